package rotate

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// Rollback puts back the files the last renewal replaced: each of ssl_cert_file,
// ssl_key_file and ssl_crl_file that has a FILE.prev gets its contents, mode and
// owner back, in one transaction; the files replaced become the .prev ones, so that
// a second Rollback undoes the first. With opts.Reload the running server is then
// reloaded and watched as Renew does, and the run holds the data directory's lock as
// Renew's does. Only Setup, Reload, Wait, Signal, Dial, Warn and Info of opts are
// used.
//
// On failure the report is nil, unless the files were swapped and the reload failed:
// then both are returned.
func Rollback(opts Options) (*Report, error) {
	release, err := begin(&opts)
	if err != nil {
		return nil, err
	}
	defer release()
	setup := opts.Setup
	dir := setup.Dir.Dir
	if err := checkOutside(&opts, rollbackPaths(setup)); err != nil {
		return nil, err
	}
	j := newJournal(setup)
	var (
		restored []string
		cert     *x509.Certificate
		certNow  []byte
	)
	contents := map[string][]byte{}
	for _, sf := range setup.Files() {
		if sf.Setting != "ssl_cert_file" && sf.Setting != "ssl_key_file" && sf.Setting != "ssl_crl_file" {
			continue
		}
		key := sf.Setting == "ssl_key_file"
		prev := sf.Path + PrevSuffix
		old, err := readPrev(prev)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := checkKind(sf.Setting, prev, old); err != nil {
			return nil, err
		}
		cur, err := fsutil.ReadInput(sf.Path, maxInputSize)
		switch {
		case err == nil:
			j.add(prev, cur, replaceOptions(dir, sf.Path, key))
		case !errors.Is(err, fs.ErrNotExist):
			return nil, inputError(sf.Path, err)
		}
		j.add(sf.Path, old, replaceOptions(dir, prev, key))
		restored = append(restored, sf.Path)
		contents[sf.Setting] = old
		if sf.Setting == "ssl_cert_file" {
			certNow = cur
		}
	}
	if len(restored) == 0 {
		return nil, failf([]string{"pgcert renew keeps FILE.prev when it replaces files; none is there, so nothing was renewed here (or the .prev files were removed)"},
			"nothing to roll back: %s holds no .prev file of server.crt, server.key or root.crl", dir)
	}
	if data, ok := contents["ssl_cert_file"]; ok {
		certs, err := chain.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", filepath.Base(setup.SSL.CertFile), PrevSuffix, err)
		}
		cert = certs[0]
		if err := rollbackKeyMatches(setup, cert, contents["ssl_key_file"]); err != nil {
			return nil, err
		}
	}
	if err := checkOutside(&opts, journalPaths(j)); err != nil {
		return nil, err
	}
	written, err := j.commit()
	if err != nil {
		return nil, withHints(err, fmt.Sprintf("nothing in %s was changed", dir))
	}
	rep := &Report{DataDir: dir, Action: ActionRolledBack, Files: []FileReport{}, Previous: []string{}, Restored: restored}
	recordWritten(&opts, rep, written)
	if !opts.Reload {
		return rep, nil
	}
	rl := &reloader{opts: &opts, setup: setup}
	pf, err := rl.running()
	switch {
	case err != nil:
		return rep, err
	case pf == nil:
		rep.Reload = rl.notRunning()
		return rep, nil
	}
	want := cert
	changed := cert != nil && !bytes.Equal(certNow, contents["ssl_cert_file"])
	if want == nil {
		if want, err = currentLeaf(setup); err != nil {
			return nil, err
		}
	}
	rep.Reload, err = rl.reload(pf, want, changed)
	return rep, err
}

// checkKind refuses a .prev file that is not what its setting names: a rollback
// puts back only what a renewal kept, a certificate file, a key, a CRL file, never
// whatever other bytes were put at the name.
func checkKind(setting, path string, data []byte) error {
	var err error
	what := ""
	switch setting {
	case "ssl_cert_file":
		what = "a certificate file"
		_, err = chain.ParseCertificates(data)
	case "ssl_key_file":
		what = "a private key"
		if _, err = keys.Parse(data, nil); errors.Is(err, keys.ErrPassphraseRequired) {
			err = nil
		}
	case "ssl_crl_file":
		what = "a CRL file"
		if _, err = crl.ParseCRLs(data); errors.Is(err, crl.ErrNoCRL) && len(bytes.TrimSpace(data)) == 0 {
			err = nil
		}
	}
	if err != nil {
		return failf([]string{"pgcert renew keeps the files it replaces as .prev; this one was changed since: remove it, or put the file back by hand"},
			"%s is not %s (%v); nothing was changed", path, what, err)
	}
	return nil
}

// rollbackKeyMatches refuses to restore a certificate that does not belong to the
// key the server would load with it: the server would refuse both at the next start.
func rollbackKeyMatches(setup *pgdata.Setup, cert *x509.Certificate, keyData []byte) error {
	if keyData == nil {
		keyFile, _ := setup.File("ssl_key_file")
		data, err := fsutil.ReadInput(keyFile.Path, maxInputSize)
		if err != nil {
			return inputError(keyFile.Path, err)
		}
		keyData = data
	}
	k, err := keys.Parse(keyData, nil)
	if err != nil {
		return nil // an encrypted key: the server's passphrase command decides
	}
	if !keys.CertificateHasKey(cert, k.Signer.Public()) {
		return failf([]string{"the .prev files are not one generation; restore them by hand"},
			"%s%s does not belong to the key the server would load with it; nothing was changed", setup.SSL.CertFile, PrevSuffix)
	}
	return nil
}

// currentLeaf is the first certificate of ssl_cert_file.
func currentLeaf(setup *pgdata.Setup) (*x509.Certificate, error) {
	sf, ok := setup.File("ssl_cert_file")
	if !ok {
		return nil, errors.New("no ssl_cert_file")
	}
	data, err := fsutil.ReadInput(sf.Path, maxInputSize)
	if err != nil {
		return nil, inputError(sf.Path, err)
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sf.Path, err)
	}
	return certs[0], nil
}
