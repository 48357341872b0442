package bootstrap

import (
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/inspect"
)

// CertResult is a certificate file written, in the shape of
// `pgcert selfsign --req --json`.
type CertResult struct {
	File        File                 `json:"file"`
	Certificate *inspect.Certificate `json:"certificate"`
	// Written is the file as fsutil wrote it, for a note about a replaced link.
	Written *fsutil.Written `json:"-"`
	// Days is the validity asked for, which WriteText states.
	Days int `json:"-"`
}

// WriteCertificate writes data, the file form of the certificate der (PEM,
// maybe after a text dump), to path with mode 0644, owned as owner says for
// path's directory (nil: DirOwner), and describes the certificate as of now.
func WriteCertificate(path string, der, data []byte, force bool, owner OwnerFunc, now time.Time) (*CertResult, error) {
	if owner == nil {
		owner = DirOwner
	}
	objs, err := inspect.Describe(der, now)
	if err != nil {
		return nil, err
	}
	w, err := fsutil.WriteFile(path, data, ownedBy(owner, filepath.Dir(path), fsutil.PublicMode, force))
	if err != nil {
		return nil, err
	}
	return &CertResult{File: fsutil.Report(w), Certificate: objs[0].Certificate, Written: w}, nil
}
