package bootstrap_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

func TestNewKeyAsksBeforeWork(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.key")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := exampleHooks()
	no := errors.New("no")
	h.Overwrite = func(force bool, paths ...string) (bool, error) { return false, no }
	h.NewPassphrase = func(string) ([]byte, error) { t.Fatal("passphrase asked after a refused overwrite"); return nil, nil }
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: path, Encrypt: true, Format: pkcs8}); err != no {
		t.Fatalf("refused overwrite: %v", err)
	}
	h = exampleHooks()
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: path, Format: pkcs8}); !errors.As(err, new(*fsutil.ExistsError)) {
		t.Errorf("existing file without force: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("existing file changed: %q", data)
	}
}

func TestNewKeyReplacedLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("x"), 0o600)
	link := filepath.Join(dir, "server.key")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	var n testnotify.Recorder
	h := exampleHooks()
	h.Reporter = &n
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: link, Force: true, Format: pkcs8}); err != nil {
		t.Fatal(err)
	}
	want := "warning: " + link + " was a symbolic link to " + target + "; replaced the link with a new file, the target is unchanged"
	if len(n.Lines) != 1 || n.Lines[0] != want {
		t.Errorf("notes %q", n.Lines)
	}
	if data, _ := os.ReadFile(target); string(data) != "x" {
		t.Errorf("the link's target was written: %q", data)
	}
}

func TestStripKeyInPlace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.key")
	h := exampleHooks()
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: path, Format: pkcs8}); err != nil {
		t.Fatal(err)
	}
	_, err := bootstrap.StripKey(bootstrap.StripKeyOptions{KeyHooks: h, Input: path, RemoveInput: true})
	var he *hint.Error
	if !errors.As(err, &he) || err.Error() != path+" is both the input and the output" || !strings.Contains(he.Hints[0], "--force") {
		t.Fatalf("in place without --force: %v", err)
	}
	var n testnotify.Recorder
	h.Reporter = &n
	r, err := bootstrap.StripKey(bootstrap.StripKeyOptions{KeyHooks: h, Input: path, RemoveInput: true, Force: true})
	if err != nil || r.Key.Encrypted {
		t.Fatalf("in place with --force: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the key decrypted in place was removed: %v", err)
	}
	if want := "warning: " + path + " is not encrypted; writing it as PKCS#8 PEM all the same"; len(n.Lines) != 1 || n.Lines[0] != want {
		t.Errorf("notes %q", n.Lines)
	}
}

func TestEncryptKeyFormat(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "server.key"), filepath.Join(dir, "server.pk8")
	h := exampleHooks()
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: in, Format: pkcs8}); err != nil {
		t.Fatal(err)
	}
	var asked []bool
	format := func(encrypted bool) (keys.Format, error) {
		asked = append(asked, encrypted)
		return keys.FormatPKCS8DER, nil
	}
	r, err := bootstrap.EncryptKey(bootstrap.EncryptKeyOptions{KeyHooks: h, Input: in, Output: out, Format: format})
	if err != nil || !r.Key.Encrypted || r.Key.Encoding != "DER" || len(asked) != 1 || !asked[0] {
		t.Fatalf("encrypt to DER: %v, %+v, %v", err, r, asked)
	}
	data, _ := os.ReadFile(out)
	if _, err := keys.Parse(data, func() ([]byte, error) { return []byte("hunter22"), nil }); err != nil {
		t.Errorf("the written key does not decrypt: %v", err)
	}
}

func TestKeyFlags(t *testing.T) {
	for _, tc := range []struct {
		kf   bootstrap.KeyFlags
		want string
	}{
		{bootstrap.KeyFlags{Type: "dsa"}, "--type dsa: want one of [ec rsa ed25519 rsa-pss]"},
		{bootstrap.KeyFlags{Type: "ec", Curve: "P-521"}, "--curve P-521: want one of [P-256 P-384]"},
		{bootstrap.KeyFlags{Type: "ec", Curve: "P-256", BitsSet: true}, "--bits applies to --type rsa and rsa-pss only"},
		{bootstrap.KeyFlags{Type: "ed25519", CurveSet: true}, "--curve applies to --type ec only"},
		{bootstrap.KeyFlags{Type: "ec", Curve: "P-384"}, ""},
	} {
		_, err := tc.kf.GenerateOptions()
		var ue *hint.UsageError
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want || !errors.As(err, &ue)) {
			t.Errorf("%+v: %v, want %q", tc.kf, err, tc.want)
		}
	}
}
