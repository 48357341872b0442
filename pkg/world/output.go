package world

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// rendered is the content of one file of the spec, or the files of a hashed CRL
// directory.
type rendered struct {
	spec    *FileSpec
	data    []byte
	entries []crl.DirEntry
	// reused is true when the content was taken from the previous world.
	reused bool
}

func (r *rendered) digest() string {
	h := sha256.New()
	if r.spec.Kind != "crldir" {
		h.Write(r.data)
	} else {
		for _, e := range r.entries {
			fmt.Fprintf(h, "%s\n%d\n", e.Name, len(e.PEM))
			h.Write(e.PEM)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (r *rendered) entryNames() []string {
	var names []string
	for _, e := range r.entries {
		names = append(names, e.Name)
	}
	return names
}

// refHash is the hash of what a file part refers to.
func (b *built) refHash(kind, ref string) string {
	switch kind {
	case "cert":
		return b.hashes["cert:"+ref]
	case "key":
		return b.state.Keys[ref].Hash
	case "crl", "crldir":
		return b.hashes["crl:"+ref]
	}
	return b.hashes["file:"+ref]
}

// renderFile makes a file's content. Content that cannot be made twice alike
// (encrypted keys have a random salt) is taken from the previous world when the
// file's inputs did not change, so that an unchanged spec rewrites nothing.
func (b *built) renderFile(f *FileSpec, prev *state, dir string) error {
	var deps []string
	switch f.Kind {
	case "concat":
		for _, p := range f.Parts {
			kind, ref, _ := strings.Cut(p, ":")
			deps = append(deps, b.refHash(kind, ref))
		}
	case "crldir":
		for _, p := range f.Parts {
			deps = append(deps, b.refHash("crl", p))
		}
	default:
		deps = append(deps, b.refHash(f.Kind, f.Ref))
	}
	h := hashOf("file", f, deps...)
	b.hashes["file:"+f.Path] = h
	r := &rendered{spec: f}
	if old, ok := prev.Files[f.Path]; ok && old.Hash == h && f.Kind != "crldir" {
		if data, err := readRegular(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil {
			r.data, r.reused = data, true
			if r.digest() == old.SHA256 {
				b.files[f.Path] = r
				b.state.Files[f.Path] = old
				return nil
			}
		}
		r.reused = false
	}
	var err error
	switch f.Kind {
	case "cert":
		r.data = b.encode("CERTIFICATE", b.state.Certs[f.Ref].DER, f.Format)
	case "crl":
		r.data = b.encode("X509 CRL", b.state.CRLs[f.Ref].DER, f.Format)
	case "key":
		r.data, err = marshalKey(b.keys[f.Ref], f.Format, []byte(f.Passphrase))
	case "concat":
		var buf bytes.Buffer
		for _, p := range f.Parts {
			kind, ref, _ := strings.Cut(p, ":")
			switch kind {
			case "cert":
				buf.Write(b.encode("CERTIFICATE", b.state.Certs[ref].DER, "pem"))
			case "crl":
				buf.Write(b.encode("X509 CRL", b.state.CRLs[ref].DER, "pem"))
			case "key":
				data, err := marshalKey(b.keys[ref], "pkcs8", nil)
				if err != nil {
					return err
				}
				buf.Write(data)
			case "file":
				buf.Write(b.files[ref].data)
			}
		}
		r.data = buf.Bytes()
	case "crldir":
		var lists []*x509.RevocationList
		for _, p := range f.Parts {
			lists = append(lists, b.crls[p])
		}
		r.entries, err = crl.DirEntries(lists)
	}
	if err != nil {
		return &SpecError{File: b.spec.Name, Line: f.line, Field: "files." + f.Path, Msg: err.Error()}
	}
	b.files[f.Path] = r
	b.state.Files[f.Path] = fileEntry{Hash: h, SHA256: r.digest()}
	return nil
}

func (b *built) encode(typ string, der []byte, format string) []byte {
	if format == "der" {
		return der
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// marshalKey writes a key in one of KeyFormats.
func marshalKey(k crypto.Signer, format string, pass []byte) ([]byte, error) {
	pss, isPSS := k.(*keys.RSAPSSKey)
	switch format {
	case "pkcs8", "pkcs8-der":
		var der []byte
		if isPSS {
			der = keys.MarshalRSAPSSPKCS8DER(pss)
		} else {
			var err error
			if der, err = keys.MarshalPKCS8DER(k); err != nil {
				return nil, err
			}
		}
		if format == "pkcs8-der" {
			return der, nil
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	case "encrypted":
		if isPSS {
			return nil, errors.New("an RSA-PSS key is written unencrypted or in legacy PEM")
		}
		return keys.MarshalEncryptedPKCS8PEM(k, pass, keys.EncryptOptions{})
	case "encrypted-der":
		if isPSS {
			return nil, errors.New("an RSA-PSS key is written unencrypted or in legacy PEM")
		}
		return keys.MarshalEncryptedPKCS8DER(k, pass, keys.EncryptOptions{})
	case "traditional", "traditional-der":
		var typ string
		var der []byte
		switch k := k.(type) {
		case *rsa.PrivateKey:
			typ, der = "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)
		case *keys.RSAPSSKey:
			typ, der = "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k.Key)
		case *ecdsa.PrivateKey:
			var err error
			if der, err = x509.MarshalECPrivateKey(k); err != nil {
				return nil, err
			}
			typ = "EC PRIVATE KEY"
		default:
			return nil, fmt.Errorf("a %T has no traditional form", k)
		}
		if format == "traditional-der" {
			return der, nil
		}
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), nil
	case "legacy-aes128":
		return keys.MarshalLegacyEncryptedPEM(k, pass, 128, nil)
	case "legacy-aes192":
		return keys.MarshalLegacyEncryptedPEM(k, pass, 192, nil)
	case "legacy-aes256":
		return keys.MarshalLegacyEncryptedPEM(k, pass, 256, nil)
	}
	return nil, fmt.Errorf("unknown key format %q", format)
}

// stateJSON is the state file's content.
func (b *built) stateJSON() ([]byte, error) {
	data, err := json.MarshalIndent(b.state, "", " ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// upToDate reports whether dir holds exactly this world: the same state, every
// file with its content and mode, and nothing else.
func (b *built) upToDate(dir string, stateData []byte) bool {
	old, err := readRegular(filepath.Join(dir, StateFile))
	if err != nil || !bytes.Equal(old, stateData) {
		return false
	}
	want := map[string]bool{StateFile: true}
	for _, f := range b.spec.Files {
		for d := filepath.Dir(f.Path); d != "."; d = filepath.Dir(d) {
			want[d] = true
		}
		want[f.Path] = true
		r := b.files[f.Path]
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		fi, err := os.Lstat(p)
		if err != nil || uint32(fi.Mode().Perm()) != f.Mode {
			return false
		}
		if f.Kind != "crldir" {
			data, err := readRegular(p)
			if err != nil || !bytes.Equal(data, r.data) {
				return false
			}
			continue
		}
		if !fi.IsDir() {
			return false
		}
		for _, e := range r.entries {
			want[f.Path+"/"+e.Name] = true
			data, err := readRegular(filepath.Join(p, e.Name))
			if err != nil || !bytes.Equal(data, e.PEM) {
				return false
			}
		}
	}
	extra := false
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			extra = true
			return fs.SkipAll
		}
		rel, _ := filepath.Rel(dir, path)
		if rel != "." && !want[filepath.ToSlash(rel)] {
			extra = true
			return fs.SkipAll
		}
		return nil
	})
	return !extra
}

// write puts the world into dir, unless dir already holds it. It reports whether
// anything changed.
func (b *built) write(dir string, prev *state) (bool, error) {
	stateData, err := b.stateJSON()
	if err != nil {
		return false, err
	}
	if prev.loaded && b.upToDate(dir, stateData) {
		return false, nil
	}
	// The new world is made beside dir, in dir's parent: "." and "a/.." are
	// resolved first, so that it is never made inside dir itself.
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, fmt.Errorf("world: %w", err)
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if parent == abs {
		return false, fmt.Errorf("world: %s cannot be replaced as a whole", dir)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".pgcert-make-")
	if err != nil {
		return false, fmt.Errorf("world: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := writeFile(filepath.Join(tmp, StateFile), stateData, 0o600); err != nil {
		return false, err
	}
	for _, f := range b.spec.Files {
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := mkdirs(tmp, filepath.Dir(f.Path)); err != nil {
			return false, err
		}
		r := b.files[f.Path]
		if f.Kind != "crldir" {
			if err := writeFile(p, r.data, fs.FileMode(f.Mode)); err != nil {
				return false, err
			}
			continue
		}
		if err := os.Mkdir(p, 0o700); err != nil {
			return false, fmt.Errorf("world: %w", err)
		}
		for _, e := range r.entries {
			if err := writeFile(filepath.Join(p, e.Name), e.PEM, 0o644); err != nil {
				return false, err
			}
		}
		if err := syncDir(p, fs.FileMode(f.Mode)); err != nil {
			return false, err
		}
	}
	if err := syncDir(tmp, 0o755); err != nil {
		return false, err
	}
	if err := swap(tmp, abs); err != nil {
		return false, err
	}
	ok = true
	return true, nil
}

// mkdirs makes the directories of rel under root, 0755.
func mkdirs(root, rel string) error {
	if rel == "." {
		return nil
	}
	if err := mkdirs(root, filepath.Dir(rel)); err != nil {
		return err
	}
	p := filepath.Join(root, rel)
	if err := os.Mkdir(p, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("world: %w", err)
	}
	return syncDir(p, 0o755)
}

// writeFile creates a new file with its final mode, whatever the umask, and
// syncs it. The directory is one Make just created, so no file is replaced.
func writeFile(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, mode&0o600)
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	return nil
}

// syncDir gives a directory Make created its mode and syncs it.
func syncDir(path string, mode fs.FileMode) error {
	d, err := os.OpenFile(path, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	err = d.Chmod(mode)
	if err == nil {
		err = d.Sync()
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	return nil
}

// swap puts the new world tmp in dir's place in one step: renameat2 with
// RENAME_EXCHANGE, so that dir always holds either the old world or the new one,
// then removes the old. Without a previous dir it is a plain rename.
func swap(tmp, dir string) error {
	parent := filepath.Dir(filepath.Clean(dir))
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("world: %w", err)
		}
		return syncParent(parent)
	}
	if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("world: replacing %s: %w", dir, err)
	}
	if err := syncParent(parent); err != nil {
		return err
	}
	// tmp now holds the previous world.
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("world: removing the previous world: %w", err)
	}
	return nil
}

// syncParent syncs the directory holding the renamed entries, without
// changing anything about it.
func syncParent(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	return nil
}
