// Command pgcertgen generates a CRL from an openssl index exactly as
// `pgcert crl gen --index FILE --ca-cert FILE --ca-key FILE` does, so that the CRL
// benchmark measures the library before the command exists: read the CA certificate
// and its PKCS #8 key, stream the index into a crl.Builder, sign, write PEM, and bump
// the crlnumber file as openssl ca -gencrl does.
package main

import (
	"bufio"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
)

func main() {
	index := flag.String("index", "index.txt", "openssl CA database")
	caCert := flag.String("ca-cert", "ca.crt", "CA certificate (PEM)")
	caKey := flag.String("ca-key", "ca.key", "CA private key (PKCS #8 PEM, unencrypted)")
	crlNumber := flag.String("crlnumber", "", "crlnumber file (read, then incremented); number 1 without it")
	days := flag.Int("days", crl.DefaultDays, "days until nextUpdate")
	out := flag.String("out", "crl.pem", "output file")
	flag.Parse()
	if err := run(*index, *caCert, *caKey, *crlNumber, *days, *out); err != nil {
		fmt.Fprintln(os.Stderr, "pgcertgen:", err)
		os.Exit(1)
	}
}

func run(indexFile, certFile, keyFile, numberFile string, days int, out string) error {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return err
	}
	certs, err := chain.ParseCertificates(certPEM)
	if err != nil {
		return err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return errors.New("no PEM key")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return err
	}
	number := big.NewInt(1)
	if numberFile != "" {
		data, err := os.ReadFile(numberFile)
		if err != nil {
			return err
		}
		if number, err = ca.ParseSerialFile(data); err != nil {
			return err
		}
	}

	f, err := os.Open(indexFile)
	if err != nil {
		return err
	}
	defer f.Close()
	b := crl.NewBuilder()
	err = ca.ScanIndex(f, func(e *ca.Entry) error {
		if e.Status != ca.StatusRevoked {
			return nil
		}
		reason := int(e.Reason)
		if e.Reason == ca.ReasonNone {
			reason = 0
		}
		return b.Add(crl.Entry{
			Serial:          e.Serial,
			RevocationTime:  e.Revoked,
			Reason:          reason,
			InvalidityDate:  e.InvalidityDate,
			HoldInstruction: e.HoldInstruction,
		})
	})
	if err != nil {
		return err
	}
	now := time.Now()
	signed, err := b.Sign(crl.Params{
		Issuer:     certs[0],
		Signer:     key.(crypto.Signer),
		Number:     number,
		ThisUpdate: now,
		NextUpdate: now.AddDate(0, 0, days),
	})
	if err != nil {
		return err
	}

	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(o, 1<<20)
	if _, err := signed.WritePEM(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := o.Sync(); err != nil {
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	if numberFile != "" {
		next, err := ca.FormatSerialFile(new(big.Int).Add(number, big.NewInt(1)))
		if err != nil {
			return err
		}
		return os.WriteFile(numberFile, next, 0o644)
	}
	return nil
}
