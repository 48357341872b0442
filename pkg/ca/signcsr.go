package ca

import (
	"crypto/x509"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// LeafProfile reads the --profile of ca sign: server or client; anything else
// is a usage error.
func LeafProfile(name string) (selfsign.Profile, error) {
	switch name {
	case "server":
		return selfsign.ServerLeaf, nil
	case "client":
		return selfsign.ClientLeaf, nil
	}
	return 0, hint.Usagef("--profile %q: want server or client", name)
}

// SignCSROptions say what SignCSR certifies and where it writes.
type SignCSROptions struct {
	// RequestFile is the request, read with ReadFile; KeyError explains a
	// request refused for its key (bootstrap.RequestKeyError), nil for other
	// errors. Profile (LeafProfile) alone decides what the certificate may do.
	RequestFile string
	ReadFile    func(path string) ([]byte, error)
	KeyError    func(path string, err error) error
	Profile     selfsign.Profile
	// Output is the certificate file; "-" leaves the writing to the caller
	// (Signed.PEM), for standard output, which JSON (a --json report there)
	// refuses.
	Output string
	JSON   bool
	// Days is the validity, cut to the CA's; 0 means 825 days.
	Days int

	// Overwrite says whether an existing Output may be replaced.
	Overwrite func(paths []string) (bool, error)
	// Signer returns the CA that signs; it is called once the request and the
	// output are known to be fine.
	Signer func() (Signer, error)
	// Reporter hears of a validity cut to the CA's and of a replaced link;
	// Now is the clock, Rand the randomness.
	Reporter Reporter
	Now      func() time.Time
	Rand     io.Reader
}

// Signed is a request SignCSR certified: the report of ca sign (--json) and
// the certificate file's content, the certificate then its intermediates.
type Signed struct {
	IssuedFiles
	PEM []byte `json:"-"`
}

// Summary is the one line ca sign says of the certificate; profile names it.
func (s *Signed) Summary(profile string) string {
	return fmt.Sprintf("signed %s certificate %s for %s, until %s", profile, s.Serial, s.Subject, s.NotAfter[:10])
}

// SignCSR reads an outside request, has the signer certify it for exactly its
// names, and writes the certificate with its intermediates to Output (with the
// owner of its directory) unless Output is "-". An existing Output is refused
// (fsutil.ExistsError) unless Overwrite allows it; errors come with hints
// (SignHint).
func SignCSR(o SignCSROptions) (*Signed, error) {
	if o.JSON && o.Output == "-" {
		return nil, hint.Usagef("--json reports on standard output: write the certificate to a file with -o FILE")
	}
	data, err := o.ReadFile(o.RequestFile)
	if err != nil {
		return nil, err
	}
	csr, err := selfsign.ParseRequest(data)
	if err != nil {
		if e := o.KeyError(o.RequestFile, err); e != nil {
			return nil, e
		}
		return nil, hint.With(fmt.Errorf("%s: %w", o.RequestFile, err), "give a PKCS#10 request, as openssl req -new or pgcert req makes")
	}
	if _, err := CSRRequest(csr, o.Profile); err != nil {
		return nil, SignHint(nil, o.RequestFile, err)
	}
	force := false
	if o.Output != "-" {
		if force, err = clearOutputs(o.Overwrite, []string{o.Output}); err != nil {
			return nil, err
		}
	}
	s, err := o.Signer()
	if err != nil {
		return nil, err
	}
	if _, err := s.Open(); err != nil {
		return nil, err
	}
	c, is, err := s.Sign(Order{Profile: o.Profile, CSR: csr, RequestFile: o.RequestFile, Days: o.Days, Now: o.Now(), Rand: o.Rand})
	if err != nil {
		return nil, err
	}
	noteClamp(o.Reporter, is)
	out := PEM(append([]*x509.Certificate{is.Cert}, c.Intermediates()...)...)
	var written []*fsutil.Written
	if o.Output != "-" {
		w, err := fsutil.WriteFile(o.Output, out, fsutil.DirOwnerOptions(filepath.Dir(o.Output), fsutil.PublicMode, force))
		if err != nil {
			return nil, err
		}
		noteLinks(o.Reporter, []*fsutil.Written{w})
		written = append(written, w)
	}
	return &Signed{IssuedFiles: c.IssuedFiles(is, written), PEM: out}, nil
}
