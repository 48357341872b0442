package cmdutil

import (
	"crypto/x509"
	"fmt"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// ReadCertInputs reads every certificate of the files given on the command line, in
// order, each tagged with its file name so that every later message can say where a
// certificate came from. flag names the option the files came from ("" for
// positional arguments), for the hint.
func (f *Factory) ReadCertInputs(paths []string, flag string) ([]chain.Input, error) {
	ins, _, err := f.ReadPKIInputs(paths, flag, "--passin", "")
	return ins, err
}

// ReadPKIInputs is ReadCertInputs that also returns the keys of PKCS#12 (.p12,
// .pfx) files among paths, whose certificates are read with the others: the key, the
// certificate, then the CA certificates, as the file holds them. Such a file is opened
// with an empty password first (as many are), then with the passFlag source passSpec,
// or a prompt at a terminal.
func (f *Factory) ReadPKIInputs(paths []string, flag, passFlag, passSpec string) ([]chain.Input, []*keys.Key, error) {
	var out []chain.Input
	var found []*keys.Key
	for _, p := range paths {
		data, err := f.ReadInput(p)
		if err != nil {
			return nil, nil, err
		}
		if keys.IsPKCS12(data) {
			p12, err := keys.ParsePKCS12(data, f.ExistingPassphrase(passFlag, passSpec, p))
			if err != nil {
				return nil, nil, KeyError(p, passFlag, err)
			}
			out = append(out, chain.Inputs(p, append([]*x509.Certificate{p12.Cert}, p12.CACerts...))...)
			found = append(found, p12.Key)
			continue
		}
		ins, err := chain.ReadInputs(p, data)
		if err != nil {
			what := "certificate files"
			if flag != "" {
				what = flag + " files"
			}
			return nil, nil, hint.With(err, fmt.Sprintf("give %s in PEM (any number of CERTIFICATE blocks, text around them allowed), DER or PKCS#12", what))
		}
		out = append(out, ins...)
	}
	return out, found, nil
}
