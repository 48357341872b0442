package stepca

import (
	"context"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
)

// RevokeArgs are what ca revoke names, for Revoke.
type RevokeArgs struct {
	// CertFile, else Serial, names the certificate (ca.RevokeTarget); ReadFile
	// reads CertFile.
	CertFile, Serial string
	Reason           ca.Reason
	ReadFile         func(path string) ([]byte, error)
	// Connect reaches the step-ca; Provisioner decrypts the provisioner's key,
	// once the certificate is known to be the CA's.
	Connect     func() (*Client, error)
	Provisioner func(*Client) (*Provisioner, error)
}

// Revoke revokes at the step-ca what a names (RevokeWith).
func Revoke(ctx context.Context, a RevokeArgs) (*Revocation, error) {
	c, err := a.Connect()
	if err != nil {
		return nil, err
	}
	o := RevokeOptions{CertFile: a.CertFile, Reason: a.Reason, Provisioner: func() (*Provisioner, error) { return a.Provisioner(c) }}
	if o.Certs, o.Serial, err = ca.RevokeTarget(a.CertFile, a.Serial, a.ReadFile); err != nil {
		return nil, err
	}
	return c.RevokeWith(ctx, o)
}

// NextAfterRevoke says how a revocation at a step-ca reaches the server of
// dataDir ("" is written PGDATA): step-ca revokes passively, listing the
// certificate in its next CRL, which pgcert renew -D brings into root.crl.
func NextAfterRevoke(dataDir string) string {
	next := "PGDATA"
	if dataDir != "" {
		next = words.ShellWord(dataDir)
	}
	return "the server refuses it once it has step-ca's new CRL: pgcert renew -D " + next + " --reload"
}
