package world

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/keys"
)

// StateFile is the file in the output directory where Make keeps every key,
// certificate and CRL it made, with the hash of the inputs each was made from,
// so that the next run reuses what did not change. It holds private keys and is
// written with mode 0600.
const StateFile = ".pgcert-make.json"

// stateVersion changes when the state's meaning does; a state of another
// version is ignored and the world made anew.
const stateVersion = 1

// entry is one key, certificate or CRL of the state.
type entry struct {
	Hash string `json:"hash"`
	DER  []byte `json:"der"`
}

// fileEntry is one file of the state: the hash of its inputs and of its content.
type fileEntry struct {
	Hash   string `json:"hash"`
	SHA256 string `json:"sha256"`
}

// state is what StateFile holds.
type state struct {
	Version int                  `json:"version"`
	Keys    map[string]entry     `json:"keys"`
	Certs   map[string]entry     `json:"certs"`
	CRLs    map[string]entry     `json:"crls"`
	Files   map[string]fileEntry `json:"files"`
	// loaded is true when the state was read from an existing directory.
	loaded bool
}

func newState() *state {
	return &state{Version: stateVersion, Keys: map[string]entry{}, Certs: map[string]entry{}, CRLs: map[string]entry{}, Files: map[string]fileEntry{}}
}

// loadState reads the state of the world in dir. A missing directory, or an empty
// one, has an empty state; a directory holding other files is refused unless
// force, since the new world replaces the whole directory.
func loadState(dir string, force bool) (*state, error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("world: %s is not a directory", dir)
	}
	data, err := readRegular(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		names, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		if len(names) > 0 && !force {
			return nil, fmt.Errorf("%w (%s): it would be replaced as a whole", ErrNotWorld, dir)
		}
		return newState(), nil
	}
	if err != nil {
		return nil, err
	}
	s := newState()
	if err := json.Unmarshal(data, s); err != nil || s.Version != stateVersion {
		if !force {
			return nil, fmt.Errorf("%w (%s has an unreadable %s)", ErrNotWorld, dir, StateFile)
		}
		return newState(), nil
	}
	s.loaded = true
	return s, nil
}

// readRegular reads a regular file, never through a symbolic link.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("world: %s is not a regular file", path)
	}
	return os.ReadFile(path)
}

// marshalStateKey writes a key as PKCS#8 DER, RSA-PSS included.
func marshalStateKey(k crypto.Signer) ([]byte, error) {
	if pss, ok := k.(*keys.RSAPSSKey); ok {
		return keys.MarshalRSAPSSPKCS8DER(pss), nil
	}
	return keys.MarshalPKCS8DER(k)
}

// parseStateKey reads what marshalStateKey wrote.
func parseStateKey(der []byte) (crypto.Signer, error) {
	if k, err := keys.ParseRSAPSS(der); err == nil {
		return k, nil
	}
	k, err := keys.Parse(der, nil)
	if err != nil {
		return nil, err
	}
	return k.Signer, nil
}
