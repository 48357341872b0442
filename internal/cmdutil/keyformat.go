package cmdutil

import (
	"crypto"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// KeyFormatFlags are the flags that choose how an encrypted key is written.
type KeyFormatFlags struct {
	Traditional bool
	DER         bool
}

// AddKeyFormatFlags adds --traditional and --der. what names the file they apply to.
func AddKeyFormatFlags(cmd *cobra.Command, kf *KeyFormatFlags, what string) {
	fl := cmd.Flags()
	fl.BoolVar(&kf.Traditional, "traditional", false, "write "+what+" encrypted in the legacy traditional PEM form (Proc-Type: 4,ENCRYPTED; one MD5 as its KDF), for Go's pgx, which reads no other encrypted key")
	fl.BoolVar(&kf.DER, "der", false, "write "+what+" as DER PKCS#8 (encrypted with PBES2 when a passphrase is given), as the JDBC driver reads it")
}

// Format returns the chosen Format, refusing what cannot be written: both forms at
// once, or the traditional form without encryption, which no client needs (every
// reader of it reads an unencrypted PKCS#8 key too).
func (kf KeyFormatFlags) Format(encrypted bool) (keys.Format, error) {
	switch {
	case kf.Traditional && kf.DER:
		return "", hint.Usagef("--traditional and --der are two different formats: give one")
	case kf.Traditional && !encrypted:
		return "", hint.Usagef("--traditional is a form of encrypted key: give a passphrase with --passout (an unencrypted key is read by every client as PKCS#8)")
	case kf.Traditional:
		return keys.FormatTraditional, nil
	case kf.DER:
		return keys.FormatPKCS8DER, nil
	}
	return keys.FormatPKCS8PEM, nil
}

// WriteKeyAs writes k to path in format, encrypted with pass unless pass is nil,
// and describes what was written.
func (f *Factory) WriteKeyAs(path string, k crypto.Signer, pass []byte, format keys.Format, force bool) (*bootstrap.KeyResult, error) {
	data, err := keys.Marshal(k, pass, format, f.Rand)
	if err != nil {
		return nil, err
	}
	r, err := bootstrap.WriteKey(path, k, data, force, nil)
	if err != nil {
		return nil, err
	}
	f.NoteReplacedLink(r.Written)
	return r, nil
}
