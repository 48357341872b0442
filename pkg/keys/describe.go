package keys

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Describe says what a key is in a few words: "ECDSA P-256", "RSA 3072",
// "Ed25519", or "unknown type (encrypted)" for an encrypted PKCS#8 key read without
// its passphrase, whose algorithm is inside the encryption.
func (i Info) Describe() string {
	switch {
	case i.Algorithm == "":
		return "unknown type (encrypted)"
	case i.Curve != "":
		return i.Algorithm + " " + i.Curve
	case i.Algorithm == "RSA", i.Algorithm == "RSA-PSS":
		return fmt.Sprintf("%s %d", i.Algorithm, i.Bits)
	}
	return i.Algorithm
}

// DescribeEncryption says how a key is protected, in openssl's names: "no", or
// "yes (" then the scheme, the KDF with its function, its cost and the cipher ")",
// which is what an admin compares with what openssl or libpq can read.
func (i Info) DescribeEncryption() string {
	e := i.Encryption
	if !i.Encrypted || e == nil {
		return "no"
	}
	parts := []string{e.Scheme}
	kdf := e.KDF
	if e.PRF != "" {
		kdf += " " + e.PRF
	}
	parts = append(parts, kdf)
	switch {
	case e.KDF == "scrypt":
		parts = append(parts, fmt.Sprintf("N=%d r=%d p=%d", e.ScryptN, e.ScryptR, e.ScryptP))
	case e.Iterations > 1:
		parts = append(parts, fmt.Sprintf("%d iterations", e.Iterations))
	}
	parts = append(parts, e.Cipher)
	return "yes (" + strings.Join(parts, ", ") + ")"
}

// WriteText writes what `pgcert key show` prints of the key in file: its type,
// format, encryption and fingerprint, aligned. An encrypted PKCS#8 key hides its
// fingerprint until it is decrypted, which the text says how to do.
func (i Info) WriteText(w io.Writer, file string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintf(tw, "%s\n", file)
	fmt.Fprintf(tw, "  type:\t%s\n", i.Describe())
	fmt.Fprintf(tw, "  format:\t%s, %s\n", i.Container, i.Encoding)
	fmt.Fprintf(tw, "  encrypted:\t%s\n", i.DescribeEncryption())
	fp := i.Fingerprint
	if fp == "" {
		fp = "unknown until decrypted (give --passin)"
	}
	fmt.Fprintf(tw, "  fingerprint:\t%s\n", fp)
	return tw.Flush()
}
