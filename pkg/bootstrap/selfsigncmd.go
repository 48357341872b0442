package bootstrap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// SelfSignCommand is `pgcert selfsign` in its two forms: a request signed with
// its own key (Request and Key), or a new key and certificate written into a
// data directory (DataDir), the manual's recipe.
type SelfSignCommand struct {
	KeyHooks
	// ReadFile reads a file named on the command line (the request).
	ReadFile func(path string) ([]byte, error)
	// InspectDataDir examines DataDir (nil: InspectDataDir without clean-up);
	// LockDataDir keeps other pgcert runs out of it while the files are
	// written; DefaultHosts are the names when no Hosts are given.
	InspectDataDir func(dir string) (*pgdata.DataDir, error)
	LockDataDir    func(dir string) (release func(), err error)
	DefaultHosts   func() []string

	// Request, Key and Output are the files of the first form (OutputSet:
	// --out was given); PassIn is the key's passphrase source, if given.
	Request, Key, Output string
	OutputSet            bool
	PassIn               string
	// DataDir, Hosts and KeyFlags are the second form's.
	DataDir  string
	Hosts    []string
	KeyFlags KeyFlags

	// Days is the validity; Text writes the certificate's text dump before its
	// PEM block.
	Days int
	Text bool
	// Force replaces existing files (and allows an Ed25519 key, or a wildcard
	// over a whole top-level domain); NewCA replaces a server.crt a CA issued.
	Force, NewCA bool
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// CheckFlags refuses combinations of the two forms' options, with a usage error
// naming the flags.
func (o *SelfSignCommand) CheckFlags() error {
	kf := o.KeyFlags
	switch {
	case o.DataDir != "" && (o.Request != "" || o.Key != "" || o.OutputSet || o.PassIn != ""):
		return hint.Usagef("-D makes its own key and writes PGDATA/server.crt; --req, --key, --out and --passin are for the other form")
	case o.DataDir == "" && (o.Request == "" || o.Key == ""):
		return hint.Usagef("give --req FILE and --key FILE, or -D PGDATA")
	case o.DataDir == "" && (len(o.Hosts) > 0 || kf.TypeSet || kf.CurveSet || kf.BitsSet):
		return hint.Usagef("--host, --type, --curve and --bits are for -D; with --req the names and key come from the request")
	case o.DataDir == "" && o.Output == "":
		return hint.Usagef("--out needs a file name")
	}
	return nil
}

// SelfSignRequest signs the request in o.Request with its own key, o.Key, and
// writes the certificate to o.Output, asking whether to replace it before the
// key's passphrase is asked.
func SelfSignRequest(o SelfSignCommand) (*CertResult, error) {
	data, err := o.ReadFile(o.Request)
	if err != nil {
		return nil, err
	}
	req, err := ReadRequest(o.Request, data)
	if err != nil {
		return nil, err
	}
	force, err := o.Overwrite(o.Force, o.Output)
	if err != nil {
		return nil, err
	}
	if err := RefuseExisting(force, o.Output); err != nil {
		return nil, err
	}
	k, err := o.LoadKey(o.Key)
	if err != nil {
		return nil, err
	}
	r, err := SignRequest(SignRequestOptions{
		Request: req, RequestPath: o.Request, Key: k.Signer, KeyPath: o.Key,
		Output: o.Output, Force: force, Days: o.Days, Text: o.Text, Now: o.Now, Rand: o.Rand,
	})
	if err != nil {
		return nil, err
	}
	noteReplacedLink(o.reporter(), r.Written)
	return r, nil
}

// SelfSignDataDir makes a key and a self-signed certificate for the hosts and
// writes them into the data directory as server.key and server.crt, both or
// neither, holding the directory's lock. Everything that can be refused is
// refused before the key is made.
func SelfSignDataDir(o SelfSignCommand) (*SelfSignedResult, error) {
	rep := o.reporter()
	gen, err := o.KeyFlags.GenerateOptions()
	if err != nil {
		return nil, err
	}
	if gen.Type == keys.TypeEd25519 {
		// A self-signed certificate is signed with its own key: an Ed25519 key
		// makes the EdDSA signature that breaks SCRAM channel binding.
		if !o.Force {
			return nil, ErrEdDSASelfSigned
		}
		rep.Warnf("the server certificate is signed with EdDSA: SCRAM password logins over SSL will fail with \"could not find digest for NID UNDEF\"")
	}
	hosts := o.Hosts
	if len(hosts) == 0 {
		hosts = o.DefaultHosts()
	}
	sans, err := selfsign.HostSANs(hosts)
	if err != nil {
		return nil, hint.Usagef("--host: %s", strings.TrimPrefix(err.Error(), "selfsign: "))
	}
	if err := CheckWildcards(sans, o.Force); err != nil {
		return nil, err
	}
	inspectDir := o.InspectDataDir
	if inspectDir == nil {
		inspectDir = func(dir string) (*pgdata.DataDir, error) { return InspectDataDir(dir, nil) }
	}
	dd, err := inspectDir(o.DataDir)
	if err != nil {
		return nil, err
	}
	if o.LockDataDir != nil {
		release, err := o.LockDataDir(dd.Dir)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if !dd.IsDataDir {
		rep.Infof("%s is not a PostgreSQL data directory yet (no %s): writing the files for PostgreSQL %s's settings",
			dd.Dir, strings.Join(dd.Missing, ", "), dd.Version)
	}
	keyPath := filepath.Join(dd.Dir, pgdata.DefaultSSLFiles.Key)
	certPath := filepath.Join(dd.Dir, pgdata.DefaultSSLFiles.Cert)
	force, err := o.Overwrite(o.Force, keyPath, certPath)
	if err != nil {
		return nil, err
	}
	if err := RefuseCAIssued(dd.Dir, o.NewCA); err != nil {
		return nil, err
	}
	if err := RefuseExisting(force, keyPath, certPath); err != nil {
		var exists *fsutil.ExistsError
		if errors.As(err, &exists) {
			return nil, hint.Errorf([]string{"add --force to replace server.key and server.crt (both are replaced, or neither)"}, "%s", err)
		}
		return nil, err
	}

	result, err := WriteSelfSigned(SelfSignedOptions{
		DataDir: dd, Hosts: hosts, Key: gen, Days: o.Days, Force: force,
		Now: o.Now, Rand: o.Rand, GenerateKey: o.GenerateKey,
		CertFile: func(der []byte) ([]byte, error) { return CertificateFile(der, o.Text) },
	})
	var subjErr *selfsign.SubjectError
	switch {
	case errors.As(err, &subjErr):
		return nil, hint.Usagef("--host %s: %s", selfsign.Shorten(hosts[0]), strings.TrimPrefix(err.Error(), "selfsign: "))
	case err != nil && strings.HasPrefix(err.Error(), "selfsign: "):
		return nil, RequestError(err)
	case err != nil:
		return nil, err
	}
	for _, w := range result.Written {
		noteReplacedLink(rep, w)
	}
	return result, nil
}

// InspectDataDir examines a directory pgcert is told to write SSL files into,
// which must exist but need not be a data directory yet. cleanup (nil: none) is
// run on a data directory first, to remove what an interrupted run left behind.
// The errors say how to make the directory readable or what to give instead.
func InspectDataDir(dir string, cleanup func(dir string)) (*pgdata.DataDir, error) {
	dd, err := pgdata.Inspect(dir)
	if err == nil {
		if dd.IsDataDir && cleanup != nil {
			cleanup(dd.Dir)
		}
		return dd, nil
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, hint.Errorf([]string{fmt.Sprintf("create it first (mkdir -m 700 %s), or run initdb", dir)}, "%s: no such directory", dir)
	case errors.Is(err, fs.ErrPermission):
		return nil, hint.Errorf(pgdata.ReadHints(dir), "%s: permission denied", dir)
	}
	if fi, statErr := os.Stat(dir); statErr == nil && !fi.IsDir() {
		return nil, hint.Errorf([]string{"give the data directory, the one that holds PG_VERSION"}, "%s is not a directory", dir)
	}
	return nil, fmt.Errorf("%s: %w", dir, err)
}

// DefaultHosts are the names a server certificate gets when none are given: the
// machine's host name (hostname's answer), which clients elsewhere connect to,
// and localhost, which clients on the machine use. Without a host name, only
// localhost, with a warning to rep.
func DefaultHosts(host string, err error, rep Reporter) []string {
	if err != nil || host == "" || host == "localhost" {
		rep.Warnf("this machine's host name is unknown; the certificate names localhost only (give --host NAME)")
		return []string{"localhost"}
	}
	return []string{host, "localhost"}
}
