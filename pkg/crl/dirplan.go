package crl

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// The status of a file of a DirPlan.
const (
	// DirWritten is a file that is not there yet.
	DirWritten = "written"
	// DirReplaced is a file there with other content.
	DirReplaced = "replaced"
	// DirUnchanged is a file there with the same content, left alone.
	DirUnchanged = "unchanged"
)

// PlannedFile is one file of a hashed CRL directory to be.
type PlannedFile struct {
	Entry DirEntry
	CRL   *x509.RevocationList
	// Path is the file in the directory.
	Path string
	// Status is DirWritten, DirReplaced or DirUnchanged.
	Status string
}

// DirPlan is what writing CRLs into a hashed directory changes: the files to write,
// and the stale <hash>.r<N> files to remove, which OpenSSL would otherwise go on
// reading. Files with other names are never the plan's: OpenSSL never reads them.
type DirPlan struct {
	Dir string
	// Create is set when Dir does not exist yet.
	Create bool
	Files  []PlannedFile
	Stale  []string
}

// ErrNotDir is returned by PlanDir for a path that is not a directory.
var ErrNotDir = errors.New("crl: not a directory")

// PlanDir plans writing crls into the hashed directory dir (see DirEntries),
// comparing each file with what is there. It only reads: the caller decides whether
// replacing (Replaced) and removing (Stale) files is allowed, then writes.
func PlanDir(dir string, crls []*x509.RevocationList) (*DirPlan, error) {
	entries, err := DirEntries(crls)
	if err != nil {
		return nil, err
	}
	p := &DirPlan{Dir: dir}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Create = true
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("%s: %w", dir, ErrNotDir)
	}
	names := map[string]bool{}
	for i, e := range entries {
		f := PlannedFile{Entry: e, CRL: crls[i], Path: filepath.Join(dir, e.Name), Status: DirWritten}
		names[e.Name] = true
		if !p.Create {
			old, err := fsutil.ReadInput(f.Path, MaxCRLFileSize)
			switch {
			case err == nil && bytes.Equal(old, e.PEM):
				f.Status = DirUnchanged
			case err == nil || !errors.Is(err, fs.ErrNotExist):
				f.Status = DirReplaced
			}
		}
		p.Files = append(p.Files, f)
	}
	if !p.Create {
		des, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, de := range des {
			if IsDirName(de.Name()) && !names[de.Name()] {
				p.Stale = append(p.Stale, filepath.Join(dir, de.Name()))
			}
		}
	}
	return p, nil
}

// Replaced lists the files the plan replaces.
func (p *DirPlan) Replaced() []string {
	var out []string
	for _, f := range p.Files {
		if f.Status == DirReplaced {
			out = append(out, f.Path)
		}
	}
	return out
}
