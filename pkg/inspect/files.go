package inspect

import (
	"crypto/x509"
	"encoding/pem"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keys"
)

// FilesOptions says how DescribeFiles reads files and what it keeps of them.
type FilesOptions struct {
	// Now decides validity and days left, one reading for every file.
	Now time.Time
	// ReadFile reads a file named by the caller.
	ReadFile func(path string) ([]byte, error)
	// OpenPKCS12 opens a PKCS#12 file, whose content is encrypted under a password
	// the caller asks for; its errors are returned as they are. Nil opens it as
	// keys.ParsePKCS12 does without a passphrase function.
	OpenPKCS12 func(path string, data []byte) (*keys.PKCS12, error)
	// Keep, when set, picks what of a file's objects is kept, or refuses the file.
	Keep func(path string, objs []*Object) ([]*Object, error)
	// Progress shows label while a file is described (a CRL of a million entries
	// takes seconds) and returns what stops it; nil shows nothing.
	Progress func(label string) (stop func())
}

// DescribeFiles reads and describes every file of paths, in order, before returning
// any: a file that cannot be read or described fails the whole, so a caller never
// prints half an output. Errors of Describe are explained (Explain).
func DescribeFiles(paths []string, o FilesOptions) ([]File, error) {
	var files []File
	for _, path := range paths {
		data, err := o.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var objs []*Object
		if keys.IsPKCS12(data) {
			objs, err = o.describePKCS12(path, data)
		} else {
			stop := func() {}
			if o.Progress != nil {
				stop = o.Progress("reading " + path)
			}
			objs, err = Describe(data, o.Now)
			stop()
			if err != nil {
				err = Explain(path, err)
			}
		}
		if err != nil {
			return nil, err
		}
		if o.Keep != nil {
			if objs, err = o.Keep(path, objs); err != nil {
				return nil, err
			}
		}
		files = append(files, File{Path: path, PathB64: fsutil.PathB64(path), Objects: objs})
	}
	return files, nil
}

// describePKCS12 describes the certificates of a PKCS#12 file, then its key, all
// as DER: the container's encoding, not PEM blocks.
func (o FilesOptions) describePKCS12(path string, data []byte) ([]*Object, error) {
	open := o.OpenPKCS12
	if open == nil {
		open = func(_ string, data []byte) (*keys.PKCS12, error) { return keys.ParsePKCS12(data, nil) }
	}
	p12, err := open(path, data)
	if err != nil {
		return nil, err
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{p12.Cert}, p12.CACerts...) {
		certs = append(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	objs, err := Describe(certs, o.Now)
	if err != nil {
		return nil, Explain(path, err)
	}
	for _, obj := range objs {
		obj.Encoding, obj.PEMType = EncodingDER, ""
	}
	info := p12.Key.Info
	return append(objs, &Object{Type: TypePrivateKey, Encoding: EncodingDER, PrivateKey: &info}), nil
}
