package rotate_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// now is the examples' clock.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// dataDir makes a data directory whose server certificate, issued by a new CA 800
// days ago for 825 days, has 25 days left. It returns the directory and the CA's.
func dataDir() (dir, caDir string) {
	base, err := os.MkdirTemp("", "rotate-example")
	if err != nil {
		log.Fatal(err)
	}
	caDir, dir = filepath.Join(base, "ca"), filepath.Join(base, "data")
	c, err := ca.Create(caDir, ca.CreateOptions{Now: now.AddDate(0, 0, -900)})
	if err != nil {
		log.Fatal(err)
	}
	key, err := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC})
	if err != nil {
		log.Fatal(err)
	}
	sans, _ := selfsign.HostSANs([]string{"db.example.com"})
	is, err := c.Issue(ca.Request{Profile: selfsign.ServerLeaf, Subject: pkix.Name{CommonName: "db.example.com"}.ToRDNSequence(),
		SANs: sans, PublicKey: key.Public(), Days: 825, Now: now.AddDate(0, 0, -800)})
	if err != nil {
		log.Fatal(err)
	}
	keyPEM, _ := keys.MarshalPKCS8PEM(key)
	files := map[string][]byte{
		"PG_VERSION":      []byte("15\n"),
		"postgresql.conf": []byte("ssl = on\nssl_ca_file = 'root.crt'\n"),
		"server.crt":      ca.PEM([]*x509.Certificate{is.Cert}...),
		"server.key":      keyPEM,
		"root.crt":        ca.PEM(c.Cert),
	}
	os.MkdirAll(filepath.Join(dir, "global"), 0o700)
	os.WriteFile(filepath.Join(dir, "global", "pg_control"), nil, 0o600)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			log.Fatal(err)
		}
	}
	return dir, caDir
}

// options are what a program gives Renew and Rollback: the setup, the clock, the CA,
// and a validation (here one that accepts every set; pgcert runs its checks).
func options(dir, caDir string) rotate.Options {
	setup, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		log.Fatal(err)
	}
	return rotate.Options{
		Setup:    setup,
		Now:      func() time.Time { return now },
		OpenCA:   func() (*ca.CA, error) { return ca.Open(caDir) },
		Validate: func(*pgdata.Setup, time.Time) ([]string, []string) { return nil, nil },
	}
}

func ExampleRenew() {
	dir, caDir := dataDir()
	defer os.RemoveAll(filepath.Dir(dir))

	rep, err := rotate.Renew(options(dir, caDir))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rep.Action)
	fmt.Println(rep.Certificate.Reason)
	fmt.Println("until", rep.Certificate.New.NotAfter)
	fmt.Println("kept", len(rep.Previous), "previous files")
	// Output:
	// renewed
	// it expires in 25 days, within 275 days (a third of its 825-day lifetime)
	// until 2028-09-03T12:00:00Z
	// kept 2 previous files
}

func ExampleRollback() {
	dir, caDir := dataDir()
	defer os.RemoveAll(filepath.Dir(dir))
	if _, err := rotate.Renew(options(dir, caDir)); err != nil {
		log.Fatal(err)
	}

	rep, err := rotate.Rollback(options(dir, caDir))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rep.Action)
	for _, p := range rep.Restored {
		fmt.Println("restored", filepath.Base(p))
	}
	// Output:
	// rolled_back
	// restored server.crt
	// restored server.key
}

func ExampleLikeKey() {
	key, err := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP384})
	if err != nil {
		log.Fatal(err)
	}
	o := rotate.LikeKey(key.Public())
	fmt.Println(o.Type, o.Curve)
	// Output:
	// ec P-384
}
