package doctor_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// checkedAt is the examples' clock: the server certificate they make is valid from
// 2026-01-01 to 2026-03-01, so on 2026-02-15 it expires within 30 days.
var checkedAt = time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC)

// exampleDataDir makes a PostgreSQL 15 data directory with ssl = on and a
// self-signed server certificate for db.example.com, and reads its setup.
func exampleDataDir() (*pgdata.Setup, func()) {
	dir, err := os.MkdirTemp("", "pgdata")
	if err != nil {
		panic(err)
	}
	os.Chmod(dir, 0o700)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "db.example.com"},
		DNSNames:  []string{"db.example.com"},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"PG_VERSION", []byte("15\n"), 0o600},
		{"global/pg_control", nil, 0o600},
		{"postgresql.conf", []byte("ssl = on\n"), 0o600},
		{"pg_hba.conf", []byte("local all all peer\nhostssl all all 0.0.0.0/0 scram-sha-256\n"), 0o600},
		{"server.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644},
		{"server.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			panic(err)
		}
	}
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		panic(err)
	}
	return s, func() { os.RemoveAll(dir) }
}

func ExampleCheck() {
	s, done := exampleDataDir()
	defer done()
	rep := doctor.Check(s, doctor.Options{Now: checkedAt, WarnDays: doctor.DefaultWarnDays, Hosts: []string{"db.example.com"}})
	for _, g := range rep.Files {
		for _, fd := range g.Findings {
			if fd.Level != doctor.LevelOK {
				fmt.Printf("%s: %s %s: %s\n", g.Name, fd.Level, fd.Check, fd.Message)
			}
		}
	}
	fmt.Println("ok:", rep.OK)
	// Output:
	// server.crt: warning expiry: the server certificate CN=db.example.com expires on 2026-03-01 (in 13 days)
	// ok: true
}

func ExampleReport_ForSettings() {
	s, done := exampleDataDir()
	defer done()
	rep := doctor.Check(s, doctor.Options{Now: checkedAt, WarnDays: doctor.DefaultWarnDays})
	for _, g := range rep.ForSettings("ssl_key_file") {
		for _, fd := range g.Findings {
			fmt.Println(fd.Level, fd.Check)
		}
	}
	// Output:
	// ok permissions
	// ok load
	// ok match
}

func ExampleReport_SSLFiles() {
	s, done := exampleDataDir()
	defer done()
	rep := doctor.Check(s, doctor.Options{Now: checkedAt, WarnDays: doctor.DefaultWarnDays})
	for _, g := range rep.SSLFiles() {
		fmt.Println(g.Setting, g.Name)
	}
	// Output:
	// ssl_cert_file server.crt
	// ssl_key_file server.key
}

func ExampleGroup_At() {
	s, done := exampleDataDir()
	defer done()
	rep := doctor.Check(s, doctor.Options{Now: checkedAt, WarnDays: doctor.DefaultWarnDays})
	for _, g := range rep.SSLFiles() {
		for _, fd := range g.At(doctor.LevelWarning) {
			fmt.Printf("%s: %s\n", g.Name, fd.Message)
			// The fix is a command for this data directory, whose path is the
			// example's own.
			fmt.Println("fix:", strings.ReplaceAll(fd.Fix, s.Dir.Dir, "$PGDATA"))
		}
	}
	// Output:
	// server.crt: the server certificate CN=db.example.com expires on 2026-03-01 (in 13 days)
	// fix: make a new one (then reload the server: pg_ctl reload): pgcert selfsign -D $PGDATA --host db.example.com --force
}

func ExampleReport_Expiring() {
	s, done := exampleDataDir()
	defer done()
	rep := doctor.Check(s, doctor.Options{Now: checkedAt, WarnDays: doctor.DefaultWarnDays})
	exp := rep.Expiring()
	for _, it := range exp.Items {
		fmt.Println(it.Kind, it.File, it.Subject, *it.DaysLeft, it.Status)
	}
	fmt.Println("ok:", exp.OK)
	// Output:
	// certificate server.crt CN=db.example.com 13 expiring
	// ok: true
}

func ExampleValidate() {
	s, done := exampleDataDir()
	defer done()
	// The same files, judged after they expired: a renewal would refuse to install them.
	problems, warnings := doctor.Validate(s, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	fmt.Println(len(problems) > 0, len(warnings))
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// true 0
	// server.crt: the server certificate CN=db.example.com expired on 2026-03-01 (1 day ago) (the server starts and serves it, and libpq with sslmode=verify-ca or verify-full refuses it ("SSL error: certificate verify failed"); OpenSSL's reason: certificate has expired)
}
