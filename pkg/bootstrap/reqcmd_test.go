package bootstrap_test

import (
	"crypto/x509/pkix"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
)

func TestRequestForExistingKeyToCaller(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "server.key")
	h := exampleHooks()
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: keyPath, Encrypt: true, Format: pkcs8}); err != nil {
		t.Fatal(err)
	}
	asked := 0
	h.NewPassphrase = func(string) ([]byte, error) { t.Fatal("a new passphrase asked for an existing key"); return nil, nil }
	o := bootstrap.RequestOptions{KeyHooks: h, Output: "-", Key: keyPath,
		AskSubject: func() (pkix.RDNSequence, error) {
			asked++
			return bootstrap.SubjectField("CN", "db.example.com")
		}}
	r, err := bootstrap.Request(o)
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 || r.RequestFile != nil || r.KeyFile != nil || !strings.HasPrefix(string(r.PEM), "-----BEGIN CERTIFICATE REQUEST-----") {
		t.Errorf("asked %d, result %+v", asked, r)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files written beside the key: %v", entries)
	}
}

func TestRequestExistingNewKey(t *testing.T) {
	dir := t.TempDir()
	newKey := filepath.Join(dir, "privkey.pem")
	os.WriteFile(newKey, []byte("old"), 0o600)
	o := bootstrap.RequestOptions{KeyHooks: exampleHooks(), Output: filepath.Join(dir, "server.req"), NewKey: newKey,
		KeyFlags: bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}, CN: "db"}
	_, err := bootstrap.Request(o)
	var he *hint.Error
	if !errors.As(err, &he) || !strings.Contains(he.Hints[0], "--new-key FILE") {
		t.Fatalf("an existing new key: %v", err)
	}
}

func TestRequestPassphraseHint(t *testing.T) {
	dir := t.TempDir()
	h := exampleHooks()
	h.NewPassphrase = func(string) ([]byte, error) { return nil, hint.Errorf([]string{"give it"}, "no terminal") }
	o := bootstrap.RequestOptions{KeyHooks: h, Output: filepath.Join(dir, "server.req"), NewKey: filepath.Join(dir, "privkey.pem"),
		KeyFlags: bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}, CN: "db"}
	_, err := bootstrap.Request(o)
	var he *hint.Error
	if !errors.As(err, &he) || strings.Join(he.Hints, "|") != "give it|or give --nopass to leave the key unencrypted" {
		t.Fatalf("no passphrase: %v", err)
	}
	o.PassOut = "env:NONE"
	_, err = bootstrap.Request(o)
	if !errors.As(err, &he) || len(he.Hints) != 1 {
		t.Fatalf("no passphrase from --passout: %v", err)
	}
}

func TestRequestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		o    bootstrap.RequestOptions
		want string
	}{
		{bootstrap.RequestOptions{SANs: []string{"FOO:x"}}, "--san: "},
		{bootstrap.RequestOptions{CN: "a/b=c", SANs: []string{"DNS:db"}}, ""},
		{bootstrap.RequestOptions{Subject: "CN"}, "--subject: "},
		{bootstrap.RequestOptions{KeyFlags: bootstrap.KeyFlags{Type: "dsa"}}, "--type dsa"},
	} {
		tc.o.KeyHooks = exampleHooks()
		tc.o.Output, tc.o.NewKey = "-", filepath.Join(t.TempDir(), "privkey.pem")
		if tc.o.KeyFlags.Type == "" {
			tc.o.KeyFlags = bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}
		}
		tc.o.NoPass = true
		_, err := bootstrap.Request(tc.o)
		var ue *hint.UsageError
		if tc.want == "" && err != nil || tc.want != "" && (!errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
	if err := (&bootstrap.RequestOptions{Output: "-", JSON: true, NewKey: "k"}).CheckFlags(); err == nil {
		t.Error("--json with -o - accepted")
	}
	if err := (&bootstrap.RequestOptions{Output: "k", NewKey: "./k"}).CheckFlags(); err == nil || err.Error() != "the request and the new key would both be written to k" {
		t.Errorf("one file for both: %v", err)
	}
}

func TestAskSubjectRetries(t *testing.T) {
	var asked int
	ask := func(message, def string) (string, error) {
		if strings.HasPrefix(message, "Country") {
			asked++
			return "Germany", nil
		}
		return "", nil
	}
	var n testnotify.Recorder
	_, err := bootstrap.AskSubject("", errors.New("no name"), ask, &n)
	if err == nil || asked != 3 || len(n.Lines) != 2 || !strings.HasSuffix(n.Lines[0], "; try again") {
		t.Errorf("a bad country three times: %v, asked %d, notes %q", err, asked, n.Lines)
	}
	_, err = bootstrap.AskSubject("", errors.New("no name"), nil, &n)
	var he *hint.Error
	if !errors.As(err, &he) || he.Hints[0] != "give the subject with --cn NAME or --subject /CN=NAME" {
		t.Errorf("no terminal and no host name: %v", err)
	}
}
