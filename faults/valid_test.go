package faults

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// checkFile reports whether the file at path is complete and valid for what its
// name says it is: keys parse (encrypted ones with testPass), certificates and CRLs
// parse, an index parses, a serial or crlnumber file holds a number. Files of no
// known kind only have to be readable.
func checkFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	name := filepath.Base(path)
	ext := filepath.Ext(name)
	pass := func() ([]byte, error) { return []byte(testPass), nil }
	switch {
	case name == ca.IndexFile:
		_, err = ca.ReadIndex(bytes.NewReader(data))
	case name == ca.SerialFile || name == ca.CRLNumberFile:
		_, err = ca.ParseSerialFile(data)
	case ext == ".key" || name == "privkey.pem" || name == "postgresql.pk8":
		_, err = keys.Parse(data, pass)
	case ext == ".crt" || (ext == ".pem" && filepath.Base(filepath.Dir(path)) == ca.NewCertsDir):
		_, err = chain.ParseCertificates(data)
	case ext == ".crl" || name == ca.CRLFile || crl.IsDirName(name):
		_, err = crl.ParseCRLs(data)
	case ext == ".req":
		blk, _ := pem.Decode(data)
		if blk == nil || blk.Type != "CERTIFICATE REQUEST" {
			err = fmt.Errorf("no CERTIFICATE REQUEST block")
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// checkTree checks every file below root with checkFile, and returns the paths of
// fsutil temporary files it met (which checkFile does not look into).
func checkTree(t testing.TB, root string) (temps []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), tempPrefix) {
			temps = append(temps, path)
			return nil
		}
		if d.Type().IsRegular() {
			if err := checkFile(path); err != nil {
				t.Errorf("a damaged file: %v", err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return temps
}

// checkCA checks the rule a CA directory keeps whatever happens to a run: every
// line of index.txt has its certificate copy, which parses and has the line's serial;
// no serial is listed twice; crlnumber holds a number. It checks the root CA of
// root/ too. It returns the serials listed, in upper-case hex.
func checkCA(t testing.TB, dir string) []string {
	t.Helper()
	var serials []string
	for _, d := range []string{dir, filepath.Join(dir, ca.RootDir)} {
		if _, err := os.Stat(filepath.Join(d, ca.CertFile)); err != nil {
			continue
		}
		c, err := ca.Open(d)
		if err != nil {
			t.Fatalf("opening the CA %s: %v", d, err)
		}
		data, err := os.ReadFile(filepath.Join(d, ca.IndexFile))
		if err != nil {
			t.Fatal(err)
		}
		// An index may end in a line cut short by a kill: the next run removes it,
		// and nothing was handed out for it.
		if i := bytes.LastIndexByte(data, '\n'); i+1 != len(data) {
			data = data[:i+1]
		}
		entries, err := ca.ReadIndex(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Join(d, ca.IndexFile), err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			s := ca.SerialHex(e.Serial)
			if seen[s] {
				t.Errorf("%s lists serial %s twice", d, s)
			}
			seen[s] = true
			serials = append(serials, s)
			path := c.CertFilePath(e.SerialNumber())
			certData, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%s lists serial %s, whose certificate is missing: %v", d, s, err)
				continue
			}
			certs, err := chain.ParseCertificates(certData)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if certs[0].SerialNumber.Cmp(e.SerialNumber()) != 0 {
				t.Errorf("%s holds serial %X, its name says %s", path, certs[0].SerialNumber, s)
			}
		}
		if n, err := os.ReadFile(filepath.Join(d, ca.CRLNumberFile)); err == nil && len(n) > 0 {
			if _, err := ca.ParseSerialFile(n); err != nil {
				t.Errorf("%s: %v", filepath.Join(d, ca.CRLNumberFile), err)
			}
		}
	}
	return serials
}
