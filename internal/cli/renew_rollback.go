package cli

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// rollbackRun puts back the files the last renewal replaced: each of ssl_cert_file,
// ssl_key_file and ssl_crl_file that has a FILE.prev gets its contents, mode and
// owner back, in one fsutil.Txn; the files replaced become the .prev ones, so that a
// second rollback undoes the first.
func rollbackRun(opts *renewOptions, setup *serverSetup) error {
	f := opts.f
	dir := setup.Dir.Dir
	var (
		txn      fsutil.Txn
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
		prev := sf.Path + prevSuffix
		old, err := fsutil.ReadRegular(prev, maxInputSize)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return inputError(prev, err)
		}
		cur, err := fsutil.ReadInput(sf.Path, maxInputSize)
		switch {
		case err == nil:
			txn.Add(prev, cur, replaceOptions(dir, sf.Path, key))
		case !errors.Is(err, fs.ErrNotExist):
			return inputError(sf.Path, err)
		}
		txn.Add(sf.Path, old, replaceOptions(dir, prev, key))
		restored = append(restored, sf.Path)
		contents[sf.Setting] = old
		if sf.Setting == "ssl_cert_file" {
			certNow = cur
		}
	}
	if len(restored) == 0 {
		return failf([]string{"pgcert renew keeps FILE.prev when it replaces files; none is there, so nothing was renewed here (or the .prev files were removed)"},
			"nothing to roll back: %s holds no .prev file of server.crt, server.key or root.crl", dir)
	}
	if data, ok := contents["ssl_cert_file"]; ok {
		certs, err := chain.ParseCertificates(data)
		if err != nil {
			return fmt.Errorf("%s%s: %w", filepath.Base(setup.SSL.CertFile), prevSuffix, err)
		}
		cert = certs[0]
		if err := rollbackKeyMatches(setup, cert, contents["ssl_key_file"]); err != nil {
			return err
		}
	}
	written, err := txn.Commit()
	if err != nil {
		return withHints(err, fmt.Sprintf("nothing in %s was changed", dir))
	}
	rep := &renewReport{DataDir: dir, Action: actionRolledBack, Files: []fileReport{}, Previous: []string{}, Restored: restored}
	for _, w := range written {
		f.noteReplacedLink(w)
		rep.Files = append(rep.Files, reportFile(w))
		if strings.HasSuffix(w.Path, prevSuffix) {
			rep.Previous = append(rep.Previous, w.Path)
		}
	}
	var rerr error
	if opts.Reload {
		rl := &reloader{f: f, opts: opts, setup: setup}
		pf, err := rl.running()
		switch {
		case err != nil:
			rerr = err
		case pf == nil:
			rep.Reload = rl.notRunning()
		default:
			want := cert
			changed := cert != nil && !bytes.Equal(certNow, contents["ssl_cert_file"])
			if want == nil {
				want, err = currentLeaf(setup)
				if err != nil {
					return err
				}
			}
			rep.Reload, rerr = rl.reload(pf, want, changed)
		}
	}
	if err := printRollback(f, rep); err != nil && rerr == nil {
		rerr = err
	}
	return rerr
}

// rollbackKeyMatches refuses to restore a certificate that does not belong to the
// key the server would load with it: the server would refuse both at the next start.
func rollbackKeyMatches(setup *serverSetup, cert *x509.Certificate, keyData []byte) error {
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
	if !keys.PublicKeysEqual(k.Signer.Public(), cert.PublicKey) {
		return failf([]string{"the .prev files are not one generation; restore them by hand"},
			"%s%s does not belong to the key the server would load with it; nothing was changed", setup.SSL.CertFile, prevSuffix)
	}
	return nil
}

// currentLeaf is the first certificate of ssl_cert_file.
func currentLeaf(setup *serverSetup) (*x509.Certificate, error) {
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

// printRollback writes the report of a rollback.
func printRollback(f *Factory, rep *renewReport) error {
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	var names []string
	for _, p := range rep.Restored {
		names = append(names, filepath.Base(p))
	}
	fmt.Fprintf(f.IO.Out, "rolled back: restored %s from their .prev files in %s\n", strings.Join(names, ", "), rep.DataDir)
	fmt.Fprintln(f.IO.Out, "  the files replaced are now the .prev ones: a second --rollback undoes this")
	if rep.Reload != nil {
		fmt.Fprintln(f.IO.Out, rep.Reload.Message)
	}
	return nil
}
