package ca

import (
	"crypto"
	"os"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
)

// FileOwner is the owner new files and directories get; Set false keeps the
// invoking user's.
type FileOwner struct {
	Set      bool
	UID, GID int
}

// options are the write options of a new file of mode given to o.
func (o FileOwner) options(mode os.FileMode, force bool) fsutil.Options {
	return fsutil.Options{Mode: mode, Force: force, Chown: o.Set, UID: o.UID, GID: o.GID}
}

// BundleWrite says how WriteClientBundle writes a bundle.
type BundleWrite struct {
	// Owner takes the files and the directories made; Force replaces existing
	// files.
	Owner FileOwner
	Force bool
	// Mkdir makes the bundle's directory and its missing parents, given to
	// owner, without following links (bootstrap.MkdirOwned).
	Mkdir    func(dir string, owner FileOwner) error
	Reporter Reporter
}

// WriteClientBundle lays out the bundle of is, c's client certificate for key
// (ClientBundleWith), and writes its files in one transaction, so that a
// bundle is written whole or not at all. The report keeps no copy of the key.
func (c *CA) WriteClientBundle(is *Issued, key crypto.Signer, o ClientBundleOptions, w BundleWrite) (*BundleReport, error) {
	if err := NeedRoot(c); err != nil {
		return nil, err
	}
	noteClamp(w.Reporter, is)
	cb, err := c.ClientBundleWith(is, key, o)
	if err != nil {
		return nil, err
	}
	if err := w.Mkdir(o.Dir, w.Owner); err != nil {
		return nil, hint.Errorf([]string{"choose another directory with -o"}, "creating %s: %v", o.Dir, err)
	}
	var txn fsutil.Txn
	for _, bf := range cb.Files {
		txn.Add(bf.Path, bf.Data, w.Owner.options(bf.Mode, w.Force))
	}
	written, err := txn.Commit()
	if err != nil {
		return nil, err
	}
	cb.Files = nil
	b := &BundleReport{ClientBundle: *cb, Files: []fsutil.FileReport{}}
	noteLinks(w.Reporter, written)
	for _, x := range written {
		b.Files = append(b.Files, fsutil.Report(x))
	}
	return b, nil
}
