package bootstrap

import (
	"crypto"
	"fmt"
	"io"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keys"
)

// KeyResult is a key file written, in the shape of `pgcert key new --json` (and
// key strip, key encrypt).
type KeyResult struct {
	File File       `json:"file"`
	Key  *keys.Info `json:"key"`
	// Written is the file as fsutil wrote it, for a note about a replaced link.
	Written *fsutil.Written `json:"-"`
}

// WriteKey writes data, the PEM of key (encrypted or not), to path with mode
// 0600 from its first byte, owned as owner says for path's directory (nil:
// DirOwner, so that a key root writes into a data directory is the server's),
// and describes it.
func WriteKey(path string, key crypto.Signer, data []byte, force bool, owner OwnerFunc) (*KeyResult, error) {
	if owner == nil {
		owner = DirOwner
	}
	w, err := fsutil.WriteFile(path, data, ownedBy(owner, filepath.Dir(path), fsutil.KeyMode, force))
	if err != nil {
		return nil, err
	}
	info, err := describeKey(key, data)
	if err != nil {
		return nil, err
	}
	return &KeyResult{File: fsutil.Report(w), Key: info, Written: w}, nil
}

// describeKey describes a key file's contents, with what the key itself says:
// an encrypted PKCS#8 file hides its algorithm, but the key is at hand.
func describeKey(key crypto.Signer, data []byte) (*keys.Info, error) {
	info, err := keys.Inspect(data)
	if err != nil {
		return nil, err
	}
	info.Algorithm, info.Bits, info.Curve = keys.DescribePublicKey(key.Public())
	info.Fingerprint, _ = keys.PublicKeyFingerprint(key.Public())
	return info, nil
}

// WriteText writes the line `pgcert key new` (and key strip, key encrypt)
// prints: the file, the kind of key, whether it is encrypted, and its mode.
func (r *KeyResult) WriteText(w io.Writer) error {
	return writeKeyLine(w, r.File, r.Key)
}

// writeKeyLine describes a key file written in one line.
func writeKeyLine(w io.Writer, f File, info *keys.Info) error {
	enc := "not encrypted"
	if info.Encrypted {
		enc = "encrypted"
	}
	_, err := fmt.Fprintf(w, "wrote %s: %s key, %s, mode %s\n", f.Path, info.Describe(), enc, f.Mode)
	return err
}

// generateWith is the key maker of a caller that gives none: keys.Generate with
// the caller's randomness (nil: crypto/rand).
func generateWith(rand io.Reader) func(keys.GenerateOptions) (crypto.Signer, error) {
	return func(g keys.GenerateOptions) (crypto.Signer, error) {
		g.Rand = rand
		return keys.Generate(g)
	}
}
