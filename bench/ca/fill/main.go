// Command fill grows a pgcert CA directory to N certificates for the CA benchmark:
// it appends N index lines (every tenth revoked) with random 128-bit serials as pgcert
// issues them, and gives each a copy in newcerts/ as a hard link to a certificate
// (a new file every 60,000 links, below ext4's limit per file), so that the directory has the million names a CI farm's CA reaches without a
// million files' worth of disk. The output is reproducible for a given seed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
)

func main() {
	n := flag.Int("n", 100000, "number of certificates to add")
	dir := flag.String("dir", "", "the CA directory")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*dir, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "fill:", err)
		os.Exit(1)
	}
}

func run(dir string, n int, seed uint64) error {
	cert, err := os.ReadFile(filepath.Join(dir, ca.CertFile))
	if err != nil {
		return err
	}
	var copyOf string
	newcerts, err := fsutil.OpenDir(filepath.Join(dir, ca.NewCertsDir))
	if err != nil {
		return err
	}
	defer newcerts.Close()
	tmp, err := fsutil.OpenDir(os.TempDir())
	if err != nil {
		return err
	}
	defer tmp.Close()
	f, err := os.OpenFile(filepath.Join(dir, ca.IndexFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(seed, seed))
	expires := time.Now().Add(365 * 24 * time.Hour)
	serial := make([]byte, 16)
	var line []byte
	for i := range n {
		for j := 0; j < 16; j += 8 {
			v := rng.Uint64()
			for k := range 8 {
				serial[j+k] = byte(v >> (8 * k))
			}
		}
		serial[0] = serial[0]&0x7f | 0x01
		e := ca.Entry{
			Status: ca.StatusValid, Expires: expires, Serial: serial, File: []byte("unknown"),
			Subject: fmt.Appendf(nil, "/CN=client-%d/O=Benchmark", i),
		}
		if i%10 == 0 {
			e.Status, e.Revoked, e.Reason = ca.StatusRevoked, time.Now().Add(-time.Hour), ca.ReasonSuperseded
		}
		if line, err = ca.AppendEntry(line[:0], &e); err != nil {
			return err
		}
		w.Write(line)
		if i%60000 == 0 {
			copyOf = filepath.Join(os.TempDir(), fmt.Sprintf("pgcert-fill-%d-%d.pem", os.Getpid(), i))
			if err := os.WriteFile(copyOf, cert, 0o644); err != nil {
				return err
			}
			defer os.Remove(copyOf)
		}
		if err := newcerts.Link(tmp, filepath.Base(copyOf), ca.SerialHex(serial)+".pem"); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
