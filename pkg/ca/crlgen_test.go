package ca_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// lines is a Reporter that keeps every line.
type lines []string

func (l *lines) Infof(format string, args ...any) {
	*l = append(*l, "info: "+fmt.Sprintf(format, args...))
}
func (l *lines) Warnf(format string, args ...any) {
	*l = append(*l, "warning: "+fmt.Sprintf(format, args...))
}

// indexOptions are GenCRLOptions for the openssl database of the CA c.
func indexOptions(c *ca.CA, rep *lines, stdout *strings.Builder) ca.GenCRLOptions {
	return ca.GenCRLOptions{
		Index: filepath.Join(c.Dir, ca.IndexFile), CACert: c.CertPath(), CAKey: c.KeyPath(), Days: 7,
		Stdout: stdout, Reporter: rep, Now: func() time.Time { return exampleNow },
		ReadCerts: func(paths []string, _ string) ([]chain.Input, error) {
			data, err := os.ReadFile(paths[0])
			if err != nil {
				return nil, err
			}
			return chain.ReadInputs(paths[0], data)
		},
		LoadKey: func(path string) (*keys.Key, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			return keys.Parse(data, nil)
		},
	}
}

func TestGenerateCRLFromIndexToStdout(t *testing.T) {
	c, cleanup := exampleCA(false)
	defer cleanup()
	var rep lines
	var out strings.Builder
	res, err := ca.GenerateCRL(indexOptions(c, &rep, &out))
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != nil || res.Report.File != nil {
		t.Errorf("a CRL on standard output reports a file")
	}
	if !strings.HasPrefix(out.String(), "-----BEGIN X509 CRL-----") {
		t.Errorf("standard output holds %q, want the CRL", out.String())
	}
	if len(rep) != 1 || !strings.HasPrefix(rep[0], "info: ") || !strings.Contains(rep[0], res.Report.CRLs[0].Number) {
		t.Errorf("reported %q, want the CRL's summary", rep)
	}
	if want, _ := filepath.Abs(filepath.Join(c.Dir, ca.CRLNumberFile)); res.Report.CRLNumberFile != want {
		t.Errorf("crlnumber file %q, want %q", res.Report.CRLNumberFile, want)
	}
	second, err := ca.GenerateCRL(indexOptions(c, &rep, &out))
	if err != nil {
		t.Fatal(err)
	}
	if first, next := res.Report.CRLs[0].Number, second.Report.CRLs[0].Number; first == next {
		t.Errorf("two CRLs numbered %s: the crlnumber file was not advanced", first)
	}
}

func TestGenerateCRLRefusesADirectoryAsIndex(t *testing.T) {
	c, cleanup := exampleCA(false)
	defer cleanup()
	o := indexOptions(c, new(lines), new(strings.Builder))
	o.Index = filepath.Join(c.Dir, ca.NewCertsDir)
	o.CRLNumber = filepath.Join(c.Dir, ca.CRLNumberFile)
	_, err := ca.GenerateCRL(o)
	if err == nil || !strings.Contains(err.Error(), "newcerts is a directory, not a regular file") {
		t.Fatalf("err = %v, want a refusal of the directory", err)
	}
}

func TestGenerateCRLLeavesAnExistingFile(t *testing.T) {
	c, cleanup := exampleCA(false)
	defer cleanup()
	o := indexOptions(c, new(lines), new(strings.Builder))
	o.Out = c.CertPath()
	asked := false
	o.Overwrite = func(...string) (bool, error) { asked = true; return false, nil }
	if _, err := ca.GenerateCRL(o); err == nil || !asked {
		t.Fatalf("err = %v, asked %v: want a refusal after asking", err, asked)
	}
}
