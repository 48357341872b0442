package crl_test

import (
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
)

// exampleFiles writes a CA certificate and two of its CRLs (numbers 1 and 2) to a
// new temporary directory, and returns their paths.
func exampleFiles() (dir, caFile string, crlFiles []string) {
	dir, err := os.MkdirTemp("", "pgcert-example")
	if err != nil {
		panic(err)
	}
	cert, key := exampleCA("Example CA")
	caFile = filepath.Join(dir, "root.crt")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644); err != nil {
		panic(err)
	}
	for n := int64(1); n <= 2; n++ {
		l := exampleCRL(cert, key, n, exampleNow, 30, n)
		name := filepath.Join(dir, fmt.Sprintf("crl%d.pem", n))
		if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: l.Raw}), 0o644); err != nil {
			panic(err)
		}
		crlFiles = append(crlFiles, name)
	}
	return dir, caFile, crlFiles
}

// readCerts is the ReadCerts hook of a program without a command line.
func readCerts(paths []string, _ string) ([]chain.Input, error) {
	var out []chain.Input
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		ins, err := chain.ReadInputs(p, data)
		if err != nil {
			return nil, err
		}
		out = append(out, ins...)
	}
	return out, nil
}

func ExampleReadFiles() {
	dir, _, files := exampleFiles()
	defer os.RemoveAll(dir)
	ins, err := crl.ReadFiles(files, os.ReadFile, nil)
	if err != nil {
		panic(err)
	}
	for _, in := range ins {
		fmt.Println(filepath.Base(in.File), in.CRL.Number)
	}
	// Output:
	// crl1.pem 1
	// crl2.pem 2
}

func ExampleResolveOutput() {
	dir, _, files := exampleFiles()
	defer os.RemoveAll(dir)
	never := func(...string) (bool, error) { return false, nil }
	_, err := crl.ResolveOutput(files[0], false, never)
	fmt.Println(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)))
	_, err = crl.ResolveOutput("-", true, never)
	fmt.Println(err)
	out, err := crl.ResolveOutput(filepath.Join(dir, "new.crl"), false, never)
	fmt.Println(filepath.Base(out.Path), err)
	// Output:
	// crl1.pem already exists
	// --json prints a report on standard output: give the CRL file with -o FILE
	// new.crl <nil>
}

func ExampleOutput_Write() {
	var b strings.Builder
	w, err := crl.Output{}.Write(&b, func(wr io.Writer) error {
		_, err := io.WriteString(wr, "-----BEGIN X509 CRL-----\n")
		return err
	})
	fmt.Print(w == nil, " ", err, " ", b.String())
	// Output:
	// true <nil> -----BEGIN X509 CRL-----
}

func ExampleMergeFiles() {
	dir, caFile, files := exampleFiles()
	defer os.RemoveAll(dir)
	rep, w, err := crl.MergeFiles(crl.MergeOptions{
		Files: files, CAs: []string{caFile}, Out: filepath.Join(dir, "root.crl"),
		ReadCerts: readCerts, ReadFile: os.ReadFile, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(filepath.Base(w.Path), rep.CRLs[0].Number, "kept,", rep.Superseded[0].Number, "left out")
	// Output:
	// root.crl 2 kept, 1 left out
}

func ExampleWriteDir() {
	dir, caFile, files := exampleFiles()
	defer os.RemoveAll(dir)
	rep, _, err := crl.WriteDir(crl.DirOptions{
		Files: files[1:], CAs: []string{caFile}, Out: filepath.Join(dir, "crls"),
		ReadCerts: readCerts, ReadFile: os.ReadFile, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Created, len(rep.Files), strings.HasSuffix(rep.Files[0].Name, ".r0"))
	// Output:
	// true 1 true
}

func ExampleParseFiles() {
	dir, _, files := exampleFiles()
	defer os.RemoveAll(dir)
	lists, err := crl.ParseFiles(files, os.ReadFile)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(lists), lists[1].Number)
	_, err = crl.ParseFiles([]string{filepath.Join(dir, "root.crt")}, os.ReadFile)
	fmt.Println(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)))
	// Output:
	// 2 2
	// root.crt: crl: no CRL found
}
