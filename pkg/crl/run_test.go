package crl_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
)

func TestMergeFilesNeedsCAs(t *testing.T) {
	_, _, err := crl.MergeFiles(crl.MergeOptions{Files: []string{"a.crl"}})
	var u *hint.UsageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "--ca FILE") {
		t.Fatalf("err = %v, want a usage error naming --ca", err)
	}
}

func TestMergeFilesToStdout(t *testing.T) {
	dir, caFile, files := exampleFiles()
	defer os.RemoveAll(dir)
	var out strings.Builder
	rec := &testnotify.Recorder{}
	rep, w, err := crl.MergeFiles(crl.MergeOptions{
		Files: files, CAs: []string{caFile}, Stdout: &out, Reporter: rec,
		ReadCerts: readCerts, ReadFile: os.ReadFile, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	if w != nil || rep.File.Path != "" {
		t.Errorf("a merge to standard output reports a file: %v %+v", w, rep.File)
	}
	if strings.Count(out.String(), "BEGIN X509 CRL") != 1 {
		t.Errorf("standard output holds %q, want the one newest CRL", out.String())
	}
	if len(rec.Lines) != 2 || !strings.HasPrefix(rec.Lines[1], "info: left out the older ") {
		t.Errorf("reported %q, want the kept CRL, then the one left out", rec.Lines)
	}
}

func TestMergeFilesRefusesJSONOnStdout(t *testing.T) {
	_, _, err := crl.MergeFiles(crl.MergeOptions{Files: []string{"a.crl"}, CAs: []string{"ca.crt"}, JSON: true})
	var u *hint.UsageError
	if !errors.As(err, &u) {
		t.Fatalf("err = %v, want a usage error", err)
	}
}

func TestWriteDirAsksBeforeReplacing(t *testing.T) {
	dir, _, files := exampleFiles()
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "crls")
	now := func() time.Time { return exampleNow }
	rec := &testnotify.Recorder{}
	if _, _, err := crl.WriteDir(crl.DirOptions{Files: files[:1], Out: out, ReadFile: os.ReadFile, Now: now, Reporter: rec}); err != nil {
		t.Fatal(err)
	}
	if len(rec.Lines) != 2 || !strings.Contains(rec.Lines[0], "without --ca") || rec.Lines[1] != "info: created "+out+" (mode 0755)" {
		t.Errorf("reported %q", rec.Lines)
	}
	var asked []string
	no := func(paths ...string) (bool, error) { asked = paths; return false, nil }
	_, _, err := crl.WriteDir(crl.DirOptions{Files: files[1:], Out: out, ReadFile: os.ReadFile, Now: now, Overwrite: no})
	if err == nil || len(asked) != 1 {
		t.Fatalf("err = %v, asked about %q: want a refusal after asking about the one file", err, asked)
	}
	yes := func(...string) (bool, error) { return true, nil }
	rep, written, err := crl.WriteDir(crl.DirOptions{Files: files[1:], Out: out, ReadFile: os.ReadFile, Now: now, Overwrite: yes})
	if err != nil || rep.Created || len(written) != 1 {
		t.Fatalf("err = %v, report %+v, %d written: want the file replaced in the existing directory", err, rep, len(written))
	}
}

func TestWriteDirRefusesAFile(t *testing.T) {
	dir, _, files := exampleFiles()
	defer os.RemoveAll(dir)
	_, _, err := crl.WriteDir(crl.DirOptions{Files: files, Out: files[0], ReadFile: os.ReadFile, Now: func() time.Time { return exampleNow }})
	if err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("err = %v, want a refusal of a file as the directory", err)
	}
}
