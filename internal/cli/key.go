package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/keys"
)

func newKeyCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "make, decrypt, encrypt and describe private keys",
		Long:  help.Long("key"), Example: help.Example("key"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKeyNewCmd(f, nil), newKeyStripCmd(f, nil), newKeyEncryptCmd(f, nil), newKeyShowCmd(f, nil))
	return cmd
}

// describeKey says what a key is in a few words: "ECDSA P-256", "RSA 3072".
func describeKey(info keys.Info) string {
	switch {
	case info.Algorithm == "":
		return "unknown type (encrypted)"
	case info.Curve != "":
		return info.Algorithm + " " + info.Curve
	case info.Algorithm == "RSA", info.Algorithm == "RSA-PSS":
		return fmt.Sprintf("%s %d", info.Algorithm, info.Bits)
	}
	return info.Algorithm
}

// describeEncryption says how a key is protected, in openssl's names.
func describeEncryption(info keys.Info) string {
	e := info.Encryption
	if !info.Encrypted || e == nil {
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

// keyTypeCompletion and curveCompletion list the values of --type and --curve.
var (
	keyTypeCompletion = fixedCompletion(keys.Types()...)
	curveCompletion   = fixedCompletion(keys.Curves()...)
)
