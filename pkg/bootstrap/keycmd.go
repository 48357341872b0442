package bootstrap

import (
	"crypto"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// KeyHooks are what the commands that write keys, requests and self-signed
// certificates need from the outside world: the questions asked at a terminal,
// the passphrases, and how a key is made and written. The library decides what
// to ask and when; the caller decides how (a prompt, a flag, a test's answer).
type KeyHooks struct {
	// Overwrite decides whether existing files among paths may be replaced;
	// force is --force, which says yes without asking.
	Overwrite func(force bool, paths ...string) (bool, error)
	// LoadKey reads and, when it is encrypted, decrypts the key in path.
	LoadKey func(path string) (*keys.Key, error)
	// NewPassphrase returns the passphrase to encrypt the new key at path with.
	NewPassphrase func(path string) ([]byte, error)
	// GenerateKey makes a new key.
	GenerateKey func(keys.GenerateOptions) (crypto.Signer, error)
	// WriteKey writes key to path in format, encrypted with pass unless pass
	// is nil (nil: WriteKeyFile, with a warning for a replaced link).
	WriteKey func(path string, key crypto.Signer, pass []byte, format keys.Format, force bool) (*KeyResult, error)
	// Reporter hears notes and warnings (nil: silent).
	Reporter Reporter
	// Rand is the source of randomness (nil: crypto/rand).
	Rand io.Reader
}

func (h KeyHooks) reporter() Reporter {
	if h.Reporter == nil {
		return silent{}
	}
	return h.Reporter
}

// writeKey writes a key through the WriteKey hook, or WriteKeyFile without one.
func (h KeyHooks) writeKey(path string, key crypto.Signer, pass []byte, format keys.Format, force bool) (*KeyResult, error) {
	if h.WriteKey != nil {
		return h.WriteKey(path, key, pass, format, force)
	}
	r, err := WriteKeyFile(path, key, pass, format, force, h.Rand)
	if err != nil {
		return nil, err
	}
	noteReplacedLink(h.reporter(), r.Written)
	return r, nil
}

// noteReplacedLink tells that a symbolic link at an output path was replaced by
// a regular file, and that its target was left alone: whoever planted the link
// meant the write for its target.
func noteReplacedLink(rep Reporter, w *fsutil.Written) {
	if w.ReplacedLink != "" {
		rep.Warnf("%s was a symbolic link to %s; replaced the link with a new file, the target is unchanged", w.Path, w.ReplacedLink)
	}
}

// WriteKeyFile encodes key in format (encrypted with pass unless pass is nil)
// and writes it as WriteKey does, its owner that of path's directory.
func WriteKeyFile(path string, key crypto.Signer, pass []byte, format keys.Format, force bool, rand io.Reader) (*KeyResult, error) {
	data, err := keys.Marshal(key, pass, format, rand)
	if err != nil {
		return nil, err
	}
	return WriteKey(path, key, data, force, nil)
}

// NewKeyOptions are the inputs of NewKey: `pgcert key new`.
type NewKeyOptions struct {
	KeyHooks
	// Path is the key file to write.
	Path string
	// Key says what key to make.
	Key keys.GenerateOptions
	// Encrypt asks for a passphrase and encrypts the key with it.
	Encrypt bool
	// Force replaces an existing file without asking.
	Force bool
	// Format chooses the file's format, knowing whether the key is encrypted,
	// and refuses one that cannot be written.
	Format func(encrypted bool) (keys.Format, error)
}

// NewKey makes a key and writes it, asking whether to replace an existing file
// before the passphrase is asked and the key made, so that no work is lost to a
// "no".
func NewKey(o NewKeyOptions) (*KeyResult, error) {
	force, err := o.Overwrite(o.Force, o.Path)
	if err != nil {
		return nil, err
	}
	format, err := o.Format(o.Encrypt)
	if err != nil {
		return nil, err
	}
	var pass []byte
	if o.Encrypt {
		if pass, err = o.NewPassphrase(o.Path); err != nil {
			return nil, err
		}
	}
	k, err := o.GenerateKey(o.Key)
	if err != nil {
		return nil, err
	}
	return o.writeKey(o.Path, k, pass, format, force)
}

// StripKeyOptions are the inputs of StripKey: `pgcert key strip`.
type StripKeyOptions struct {
	KeyHooks
	// Input is the encrypted key; Output the file to write ("": server.key
	// beside Input, the name the server loads).
	Input, Output string
	// RemoveInput removes Input once the key is written.
	RemoveInput bool
	// Force replaces an existing Output, Input itself included.
	Force bool
}

// StripKey decrypts a key into an unencrypted PKCS#8 PEM file, the one form
// every server and client reads without a passphrase.
func StripKey(o StripKeyOptions) (*KeyResult, error) {
	if o.Output == "" {
		o.Output = filepath.Join(filepath.Dir(o.Input), "server.key")
	}
	inPlace := SamePath(o.Input, o.Output)
	if inPlace && !o.Force {
		return nil, hint.Errorf([]string{"add --force to decrypt it in place, or choose another output with -o"}, "%s is both the input and the output", o.Input)
	}
	force, err := o.Overwrite(o.Force, o.Output)
	if err != nil {
		return nil, err
	}
	k, err := o.LoadKey(o.Input)
	if err != nil {
		return nil, err
	}
	if !k.Info.Encrypted {
		o.reporter().Warnf("%s is not encrypted; writing it as PKCS#8 PEM all the same", o.Input)
	}
	r, err := o.writeKey(o.Output, k.Signer, nil, keys.FormatPKCS8PEM, force)
	if err != nil {
		return nil, err
	}
	if o.RemoveInput && !inPlace {
		if err := os.Remove(o.Input); err != nil {
			return nil, hint.With(err, "the decrypted key was written; remove the encrypted one by hand")
		}
		o.reporter().Infof("removed %s", o.Input)
	}
	return r, nil
}

// EncryptKeyOptions are the inputs of EncryptKey: `pgcert key encrypt`.
type EncryptKeyOptions struct {
	KeyHooks
	// Input is the key; Output the file to write ("": Input, re-encrypted in
	// place).
	Input, Output string
	// Force replaces an existing Output without asking.
	Force bool
	// Format chooses the file's format, as NewKeyOptions.Format does.
	Format func(encrypted bool) (keys.Format, error)
}

// EncryptKey writes a key encrypted with a new passphrase, refusing to replace
// its input unless told to: a mistyped passphrase would lock the key away.
func EncryptKey(o EncryptKeyOptions) (*KeyResult, error) {
	if o.Output == "" {
		o.Output = o.Input
	}
	force, err := o.Overwrite(o.Force, o.Output)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(o.Output); err == nil && !force && SamePath(o.Input, o.Output) {
		return nil, hint.Errorf([]string{"add --force to re-encrypt it in place, or choose another output with -o"}, "%s is both the input and the output", o.Input)
	}
	format, err := o.Format(true)
	if err != nil {
		return nil, err
	}
	k, err := o.LoadKey(o.Input)
	if err != nil {
		return nil, err
	}
	pass, err := o.NewPassphrase(o.Output)
	if err != nil {
		return nil, err
	}
	return o.writeKey(o.Output, k.Signer, pass, format, force)
}

// KeyDescription is a key file described without revealing the key: `pgcert
// key show`.
type KeyDescription struct {
	File string `json:"file"`
	*keys.Info
}

// DescribeKeyFile describes the key file data read from path. An encrypted
// PKCS#8 file hides its algorithm: with pass (nil: do not ask) the key is
// decrypted to learn it.
func DescribeKeyFile(path string, data []byte, pass keys.PassphraseFunc) (*KeyDescription, error) {
	info, err := keys.Inspect(data)
	if err != nil {
		return nil, err
	}
	if info.Algorithm == "" && pass != nil {
		k, err := keys.Parse(data, pass)
		if err != nil {
			return nil, err
		}
		info.Algorithm, info.Bits, info.Curve, info.Fingerprint = k.Info.Algorithm, k.Info.Bits, k.Info.Curve, k.Info.Fingerprint
	}
	return &KeyDescription{File: path, Info: info}, nil
}

// WriteText writes the description as `pgcert key show` prints it.
func (d *KeyDescription) WriteText(w io.Writer) error { return d.Info.WriteText(w, d.File) }

// SamePath reports whether a and b name the same file, through symbolic links;
// files that do not exist yet are compared by absolute path.
func SamePath(a, b string) bool {
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(ai, bi)
	}
	aa, _ := filepath.Abs(a)
	ba, _ := filepath.Abs(b)
	return aa == ba
}

// GenerateError turns a key size keys.Generate refuses into a usage error: the
// size came from the command line.
func GenerateError(err error) error {
	var se *keys.KeySizeError
	if errors.As(err, &se) {
		return &hint.UsageError{Err: err}
	}
	return err
}
