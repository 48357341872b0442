package ca_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// printHinted prints an error and its hints as pgcert's commands do.
func printHinted(err error) {
	fmt.Println("error:", err)
	var he *hint.Error
	if errors.As(err, &he) {
		for _, h := range he.Hints {
			fmt.Println("hint:", h)
		}
	}
}

func ExampleIssueHint() {
	printHinted(ca.IssueHint(&ca.CA{Dir: "/srv/ca"}, &ca.RevokedCAError{CA: "CN=Old Intermediate", Revoked: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Reason: ca.ReasonKeyCompromise}))
	// Output:
	// error: ca: the CA "CN=Old Intermediate" was revoked on 2026-03-01 (keyCompromise): it signs no more certificates, and the server refuses those it signed
	// hint: issue from a CA that is not revoked: a new intermediate under the root (pgcert ca issue intermediate), or a new CA (pgcert ca init)
}

func ExampleRevokeHint() {
	printHinted(ca.RevokeHint(&ca.NotFoundError{Serial: big.NewInt(0x6f07)}))
	// Output:
	// error: ca: no certificate with serial 6F07 in the CA's index
	// hint: pgcert ca list shows the serials the CA issued
}

func ExampleCreateHint() {
	printHinted(ca.CreateHint("/srv/ca", ca.ErrExists))
	// Output:
	// error: /srv/ca already holds a CA
	// hint: an existing CA is never replaced; choose another --ca-dir, or remove /srv/ca if you mean it
}

func ExampleIntermediateHint() {
	printHinted(ca.IntermediateHint(nil, "/srv/ca-2", ca.ErrExists))
	// Output:
	// error: /srv/ca-2 already holds a CA
	// hint: an existing CA is never replaced; give another -o
}

func ExampleNeedRoot() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	fmt.Println(ca.NeedRoot(c))
	c.Parent = nil // as if CA_DIR/root had been taken away
	fmt.Println(strings.ReplaceAll(ca.NeedRoot(c).Error(), c.Dir, "CA_DIR"))
	// Output:
	// <nil>
	// CA_DIR: the CA's root certificate is missing, and a client needs it as root.crt
}

func ExampleRefuseInDataDir() {
	fmt.Println(ca.RefuseInDataDir("/srv/ca", "", false))
	// Output:
	// <nil>
}

func ExampleDirFor() {
	dir, err := ca.DirFor(ca.DirForOptions{
		Flag:    "",
		DataDir: "", // no -D: neither a record nor a refusal
		Default: func() (string, error) { return "/home/postgres/.local/share/pgcert/ca", nil },
	})
	fmt.Println(dir, err)
	// Output:
	// /home/postgres/.local/share/pgcert/ca <nil>
}

// UnlockAll asks once for the passphrase a root and its intermediate share.
func ExampleUnlockAll() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	c, err := ca.Create(filepath.Join(dir, "ca"), ca.CreateOptions{Intermediate: true, Passphrase: []byte("secret"), Now: exampleNow})
	if err != nil {
		panic(err)
	}
	c, _ = ca.Open(c.Dir)
	asked := 0
	err = ca.UnlockAll(func(string) ([]byte, error) { asked++; return []byte("secret"), nil }, c.CAs()...)
	fmt.Println(err, asked, c.Unlocked())
	// Output: <nil> 1 true
}

func ExampleUnlocker_Unlock() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	c, _ = ca.Open(c.Dir)
	u := &ca.Unlocker{Ask: func(string) ([]byte, error) { return nil, errors.New("not asked: the key is not encrypted") }}
	fmt.Println(u.Unlock(c), c.Unlocked())
	// Output: <nil> true
}

func ExampleSignHint() {
	printHinted(ca.SignHint(nil, "db.csr", ca.ErrNoRole))
	// Output:
	// error: db.csr: the request has no Common Name, so the certificate would name no role
	// hint: the server's cert method logs in as the certificate's Common Name: make the request with -subj /CN=ROLE
}

func ExampleCA_RevokeWith() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	is, _ := issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	rv, err := c.RevokeWith(ca.RevokeOptions{Certs: []*x509.Certificate{is.Cert}, CertFile: "alice.crt", Reason: ca.ReasonKeyCompromise, Now: exampleNow})
	if err != nil {
		panic(err)
	}
	r := rv.Report()
	fmt.Println(r.Subject, r.Reason)
	// Output: /CN=alice keyCompromise
}

func ExampleRevokeReport_WriteText() {
	r := ca.RevokeReport{Serial: "6F07", Subject: "/CN=alice", Reason: "superseded", CADir: "/srv/ca"}
	r.WriteText(os.Stdout)
	// Output: revoked 6F07 (/CN=alice), reason superseded, in /srv/ca
}

func ExampleRefuseEdDSA() {
	printHinted(ca.RefuseEdDSA(keys.TypeEd25519, false))
	fmt.Println(ca.RefuseEdDSA(keys.TypeEC, false))
	// Output:
	// error: refusing an Ed25519 CA key
	// hint: SCRAM password logins over SSL fail with "could not find digest for NID UNDEF" when the server certificate is signed with EdDSA, even with channel_binding=prefer
	// hint: use --type ec (the default) or rsa for the CA; Ed25519 leaf keys signed by such a CA are fine; --force makes an Ed25519 CA anyway
	// <nil>
}

func ExampleCA_NextAfterRevoke() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	for _, line := range c.NextAfterRevoke() {
		fmt.Println(strings.ReplaceAll(line, c.Dir, "CA_DIR"))
	}
	// Output: servers refuse it once their ssl_crl_file holds the CA's new CRLs (write them there, then reload the servers), which this prints: pgcert crl gen --ca-dir CA_DIR
}

func ExampleNotStepError() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	data := filepath.Join(filepath.Dir(c.Dir), "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(data, ca.DataDirFile), c.Record().Marshal(), 0o600); err != nil {
		panic(err)
	}
	err := ca.NotStepError(data, "https://ca.example:9000", "")
	fmt.Println(strings.ReplaceAll(err.Error(), filepath.Dir(c.Dir), "BASE"))
	// Output: BASE/data/pgcert-ca.conf records the CA directory BASE/ca, not the step-ca at https://ca.example:9000; nothing was written
}
