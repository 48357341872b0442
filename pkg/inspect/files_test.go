package inspect

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

func TestDescribeFiles(t *testing.T) {
	dir := t.TempDir()
	root := testpki.Root(t, "Root")
	server := root.Server(t, "db.example.com")
	pemFile, p12File, bad := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.p12"), filepath.Join(dir, "bad.txt")
	os.WriteFile(pemFile, testpki.Bundle(server, root), 0o644)
	p12, err := keys.MarshalPKCS12(server.Key, server.Cert, []*x509.Certificate{root.Cert}, "sesame", false, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p12File, p12, 0o600)
	os.WriteFile(bad, []byte("hello"), 0o644)

	var asked []string
	o := FilesOptions{Now: testpki.Now, ReadFile: os.ReadFile, OpenPKCS12: func(path string, data []byte) (*keys.PKCS12, error) {
		asked = append(asked, path)
		return keys.ParsePKCS12(data, func() ([]byte, error) { return []byte("sesame"), nil })
	}}
	files, err := DescribeFiles([]string{pemFile, p12File}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || len(files[0].Objects) != 2 || files[0].Objects[0].Encoding != EncodingPEM {
		t.Fatalf("PEM file: %+v", files)
	}
	p := files[1].Objects
	if len(asked) != 1 || asked[0] != p12File || len(p) != 3 || p[0].Type != TypeCertificate || p[0].Encoding != EncodingDER || p[0].PEMType != "" ||
		p[1].Certificate.SubjectDN != "CN=Root" || p[2].Type != TypePrivateKey || p[2].PrivateKey == nil {
		t.Errorf("PKCS#12 file: asked %v, objects %+v", asked, p)
	}

	// A bad file fails the whole, named, however many good files came first.
	if _, err := DescribeFiles([]string{pemFile, bad}, o); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("bad file: %v", err)
	}
	refused := errors.New("refused")
	o.Keep = func(path string, objs []*Object) ([]*Object, error) {
		if path == pemFile {
			return objs[:1], nil
		}
		return nil, refused
	}
	if files, err := DescribeFiles([]string{pemFile}, o); err != nil || len(files[0].Objects) != 1 {
		t.Errorf("keep: %+v, %v", files, err)
	}
	if _, err := DescribeFiles([]string{pemFile, p12File}, o); err != refused {
		t.Errorf("keep refusing: %v", err)
	}
}
