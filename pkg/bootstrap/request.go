package bootstrap

import (
	"crypto"
	"errors"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
)

// RequestFiles are what `pgcert req` writes: a certificate request and, when
// it was made for a new key, that key.
type RequestFiles struct {
	// Request is the request as DER; RequestPEM the file's contents (PEM,
	// maybe after a text dump); RequestPath "" when the caller sends it
	// elsewhere (standard output).
	Request     []byte
	RequestPEM  []byte
	RequestPath string
	// Key is the request's key; KeyPEM its file's contents when it is new
	// (nil for a key that was read), written to KeyPath with mode 0600.
	Key     crypto.Signer
	KeyPEM  []byte
	KeyPath string
	// Force replaces existing files.
	Force bool
	// Now is the clock (nil: time.Now) and Owner the owner lookup (nil:
	// DirOwner).
	Now   func() time.Time
	Owner OwnerFunc
}

// RequestResult is what WriteRequest wrote, in the shape of `pgcert req --json`.
type RequestResult struct {
	// RequestFile is nil when the request was not written to a file.
	RequestFile *File            `json:"request_file"`
	Request     *inspect.Request `json:"request"`
	// KeyFile and Key describe the new key; nil for a key that was read.
	KeyFile *File      `json:"key_file"`
	Key     *keys.Info `json:"key"`
	// Written are the files as fsutil wrote them, for notes about replaced links.
	Written []*fsutil.Written `json:"-"`
	// PEM is the request file's contents, for a caller that writes it
	// elsewhere (Request's Output "-").
	PEM []byte `json:"-"`
}

// WriteRequest writes the new key and the request in one transaction, both or
// neither, so that no request is left whose key is lost, and describes them.
// Each file takes the owner of its directory as Owner says (a key written into a
// data directory must be the server's).
func WriteRequest(rf RequestFiles) (*RequestResult, error) {
	if rf.Key == nil || rf.Request == nil {
		return nil, errors.New("bootstrap: a request and its key are required")
	}
	if rf.Now == nil {
		rf.Now = time.Now
	}
	if rf.Owner == nil {
		rf.Owner = DirOwner
	}
	var txn fsutil.Txn
	if rf.KeyPEM != nil {
		txn.Add(rf.KeyPath, rf.KeyPEM, ownedBy(rf.Owner, filepath.Dir(rf.KeyPath), fsutil.KeyMode, rf.Force))
	}
	if rf.RequestPath != "" {
		txn.Add(rf.RequestPath, rf.RequestPEM, ownedBy(rf.Owner, filepath.Dir(rf.RequestPath), fsutil.PublicMode, rf.Force))
	}
	written, err := txn.Commit()
	if err != nil {
		return nil, err
	}
	objs, err := inspect.Describe(rf.Request, rf.Now())
	if err != nil {
		return nil, err
	}
	r := &RequestResult{Request: objs[0].Request, Written: written}
	for _, w := range written {
		f := fsutil.Report(w)
		if rf.KeyPEM == nil || w.Path != rf.KeyPath {
			r.RequestFile = &f
			continue
		}
		r.KeyFile = &f
		if r.Key, err = describeKey(rf.Key, rf.KeyPEM); err != nil {
			return nil, err
		}
	}
	return r, nil
}
