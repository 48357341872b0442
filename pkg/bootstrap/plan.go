package bootstrap

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/notify"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// The files init writes into the data directory, under the names the server
// looks for when postgresql.conf names none (pgdata.DefaultSSLFiles).
const (
	ServerKeyName = "server.key"
	ServerCrtName = "server.crt"
	RootCrtName   = "root.crt"
	RootCRLName   = "root.crl"
)

// The files of a client bundle, under the names libpq looks for in
// ~/.postgresql, so that a bundle copied there needs no connection parameter.
const (
	ClientCertName = "postgresql.crt"
	ClientKeyName  = "postgresql.key"
	ClientRootName = "root.crt"
	// ClientPK8Name is the key in DER PKCS#8, the only form the JDBC driver reads.
	ClientPK8Name = "postgresql.pk8"
)

// Reporter hears what a person should know on the way: a certificate cut to
// its CA's lifetime, a setting ALTER SYSTEM overrides, a link replaced.
type Reporter = notify.Reporter

// OwnerFunc returns the owner new files in dir should take; ok false keeps the
// invoking user's.
type OwnerFunc func(dir string) (uid, gid int, ok bool)

// DirOwner is the default OwnerFunc: when pgcert runs as root and dir belongs
// to another user, new files take dir's owner and group, because a data
// directory belongs to the user the server runs as, and the server refuses a
// key it does not own.
func DirOwner(dir string) (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return 0, 0, false
	}
	uid, gid = ownerOf(fi)
	if uid <= 0 {
		return 0, 0, false
	}
	return uid, gid, true
}

// Options say what to make. DataDir, CA, Hosts, Days and CRLs are required.
type Options struct {
	// DataDir is the data directory, as pgdata.Inspect found it.
	DataDir *pgdata.DataDir
	// CA signs; its keys must be unlocked. CACreated says it was made for this
	// run, so that the result lists its files.
	CA        *ca.CA
	CACreated bool
	// Hosts are the names and addresses clients connect to; the first is the
	// Common Name and the host of the client connection strings.
	Hosts []string
	// Clients are the roles to make bundles for, in ClientsDir/ROLE.
	Clients    []string
	ClientsDir string
	// Replication are roles that stream to standbys (pg_basebackup, a
	// standby's primary_conninfo): each gets a bundle in ClientsDir/ROLE like
	// Clients, and a pg_hba.conf record for the replication database.
	Replication []string
	// Key is the kind of the server and client keys.
	Key keys.GenerateOptions
	// Days is the validity of the server and client certificates, cut to the CA's.
	Days int
	// NoRoot leaves the root out of server.crt.
	NoRoot bool
	// PK8 adds postgresql.pk8 to client bundles.
	PK8 bool
	// Configure writes pgcert.conf and edits postgresql.conf and pg_hba.conf;
	// Config is what CheckConfigurable read.
	Configure bool
	Config    *pgdata.Config
	// AllowOutside are configuration files outside the data directory (or behind
	// a symbolic link) that the admin allows Configure to edit whoever owns them
	// (--allow-outside); see CheckConfigureOutside.
	AllowOutside []string
	// Force replaces existing files.
	Force bool
	// Now is the clock (nil: time.Now); Rand the randomness (nil: crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// GenerateKey makes a key (nil: keys.Generate with Rand); a caller may wrap
	// it to show progress for slow RSA keys.
	GenerateKey func(keys.GenerateOptions) (crypto.Signer, error)
	// CRLs makes a current CRL for every CA of the chain, as one file, and
	// describes them.
	CRLs func(*ca.CA) ([]byte, []CRL, error)
	// Owner decides the owner of files in the data directory (nil: DirOwner).
	Owner OwnerFunc
	// Reporter hears warnings and notes (nil: none).
	Reporter Reporter
	// Step, when set, is a running step-ca that issues the certificates instead
	// of CA (which is then nil), and CRLs is not used: see StepCA.
	Step *StepCA
}

// Plan is every file init writes, with its contents, mode and owner, ready to
// be committed by Apply. Making a plan issues the certificates: the CA records
// them whether or not the plan is applied, as it does every certificate it
// signs.
type Plan struct {
	opts Options
	rep  Reporter
	// Hosts are the names server.crt is for.
	Hosts []string
	// Server is the issued server certificate.
	Server *ca.Issued
	// CRLs describe root.crl.
	CRLs []CRL
	// ConfLines and HBALines are the settings that use the files, in the
	// syntax of the data directory's version.
	ConfLines, HBALines []string
	// Configuration is what Options.Configure writes; zero without it.
	Configuration ConfigureEffect

	files   []pendingFile
	clients []*Client
	edits   []edit
	// noCRL leaves ssl_crl_file out of the settings: not every CA of the chain
	// has a CRL (StepCA without the root's key).
	noCRL bool
	// stepIntermediates are the CAs between a step-ca's root and the server
	// certificate, for the report.
	stepIntermediates []*x509.Certificate
}

type pendingFile struct {
	path string
	data []byte
	opts fsutil.Options
	// client is the index of the bundle the file belongs to, -1 for none.
	client int
}

// NewPlan issues the server's and the clients' certificates in one batch (one
// lock, one index write), makes the CRLs and lays out every file, without
// writing any outside the CA.
func NewPlan(o Options) (*Plan, error) {
	if o.Step != nil {
		return newStepPlan(o)
	}
	if o.DataDir == nil || o.CA == nil || len(o.Hosts) == 0 || o.CRLs == nil {
		return nil, errors.New("bootstrap: a data directory, a CA, host names and a CRL maker are required")
	}
	if o.Days <= 0 {
		return nil, fmt.Errorf("bootstrap: %d days: give a positive number", o.Days)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Owner == nil {
		o.Owner = DirOwner
	}
	if o.GenerateKey == nil {
		o.GenerateKey = generateWith(o.Rand)
	}
	if o.Configure {
		// Before the CA issues anything: a refused run leaves no certificate in
		// its index that was never installed.
		if err := CheckConfigureOutside(o.DataDir, o.Config, o.AllowOutside, nil); err != nil {
			return nil, err
		}
	}
	p := &Plan{opts: o, rep: o.Reporter, Hosts: o.Hosts}
	if p.rep == nil {
		p.rep = silent{}
	}
	c := o.CA
	root := c.Root()
	if root == nil {
		return nil, &MissingRootError{Dir: c.Dir}
	}
	sans, err := selfsign.HostSANs(o.Hosts)
	if err != nil {
		return nil, err
	}
	now := o.Now()
	serverKey, err := o.GenerateKey(o.Key)
	if err != nil {
		return nil, err
	}
	reqs := []ca.Request{{
		Profile: selfsign.ServerLeaf, Subject: cnRDN(strings.Trim(o.Hosts[0], "[]")), SANs: sans,
		PublicKey: serverKey.Public(), Days: o.Days, Now: now, Rand: o.Rand,
	}}
	roles := append(append([]string{}, o.Clients...), o.Replication...)
	clientKeys := make([]crypto.Signer, len(roles))
	for i, role := range roles {
		if clientKeys[i], err = o.GenerateKey(o.Key); err != nil {
			return nil, err
		}
		reqs = append(reqs, ca.Request{
			Profile: selfsign.ClientLeaf, Subject: cnRDN(role),
			PublicKey: clientKeys[i].Public(), Days: o.Days, Now: now, Rand: o.Rand,
		})
	}
	issued, err := c.IssueAll(reqs)
	if err != nil {
		return nil, err
	}
	p.Server = issued[0]
	p.noteClamp(p.Server)
	serverKeyPEM, err := keys.MarshalPKCS8PEM(serverKey)
	if err != nil {
		return nil, err
	}
	crlPEM, crls, err := o.CRLs(c)
	if err != nil {
		return nil, err
	}
	p.CRLs = crls

	dir := o.DataDir.Dir
	p.add(filepath.Join(dir, ServerKeyName), serverKeyPEM, p.ownedBy(dir, fsutil.KeyMode, o.Force), -1)
	p.add(filepath.Join(dir, ServerCrtName), ServerChain(c, p.Server.Cert, o.NoRoot), p.ownedBy(dir, fsutil.PublicMode, o.Force), -1)
	p.add(filepath.Join(dir, RootCrtName), ca.PEM(root), p.ownedBy(dir, fsutil.PublicMode, o.Force), -1)
	p.add(filepath.Join(dir, RootCRLName), crlPEM, p.ownedBy(dir, fsutil.PublicMode, o.Force), -1)
	// The record of the CA goes in with the files it describes, in the same
	// transaction, and is always rewritten: it must name the CA they now come from.
	p.add(filepath.Join(dir, ca.DataDirFile), c.Record().Marshal(), p.ownedBy(dir, fsutil.PublicMode, true), -1)
	for i, role := range roles {
		if err := p.addRole(i, role, issued[i+1], clientKeys[i], c.Intermediates(), root); err != nil {
			return nil, err
		}
	}

	if err := p.planSettings(); err != nil {
		return nil, err
	}
	return p, nil
}

// planSettings makes the postgresql.conf and pg_hba.conf lines, and with
// Configure the edits that write them.
func (p *Plan) planSettings() error {
	o := p.opts
	var err error
	if p.ConfLines, p.HBALines, err = confLines(o.DataDir, p.sslFiles()); err != nil {
		return err
	}
	repl, err := ReplicationRules(o.Replication, o.DataDir.Version)
	if err != nil {
		return err
	}
	for _, r := range repl {
		p.HBALines = append(p.HBALines, r.String())
	}
	if o.Configure {
		if p.Configuration, p.edits, err = planConfiguration(o.DataDir, o.Config, p.rep, repl...); err != nil {
			return err
		}
	}
	return nil
}

// sslFiles are the files the settings name.
func (p *Plan) sslFiles() pgdata.SSLFiles {
	f := pgdata.DefaultSSLFiles
	if p.noCRL {
		f.CRL = ""
	}
	return f
}

// MissingRootError reports a CA directory without its root certificate, which
// the server and the clients need as root.crt.
type MissingRootError struct {
	Dir string
}

// Error names the CA directory.
func (e *MissingRootError) Error() string {
	return fmt.Sprintf("bootstrap: %s: the CA's root certificate is missing; the server and clients need it as root.crt", e.Dir)
}

func (p *Plan) add(path string, data []byte, opts fsutil.Options, client int) {
	p.files = append(p.files, pendingFile{path: path, data: data, opts: opts, client: client})
}

// ownedBy returns the write options of a file in dir: mode, and the owner
// owner gives.
func (p *Plan) ownedBy(dir string, mode os.FileMode, force bool) fsutil.Options {
	return ownedBy(p.opts.Owner, dir, mode, force)
}

func ownedBy(owner OwnerFunc, dir string, mode os.FileMode, force bool) fsutil.Options {
	opts := fsutil.Options{Mode: mode, Force: force}
	if uid, gid, ok := owner(dir); ok {
		opts.Chown, opts.UID, opts.GID = true, uid, gid
	}
	return opts
}

func (p *Plan) noteClamp(is *ca.Issued) {
	if note := is.ClampNote(); note != "" {
		p.rep.Warnf("%s", note)
	}
}

// addRole adds the bundle of the i-th of the roles init issues for: o.Clients, then
// o.Replication, whose bundles also carry the primary_conninfo a standby pastes.
func (p *Plan) addRole(i int, role string, is *ca.Issued, key crypto.Signer, intermediates []*x509.Certificate, root *x509.Certificate) error {
	if err := p.addClient(role, is, key, intermediates, root); err != nil {
		return err
	}
	if i >= len(p.opts.Clients) {
		c := p.clients[len(p.clients)-1]
		c.Replication = true
		c.PrimaryConninfo = PrimaryConninfo(p.Hosts[0], role, ClientPaths(c.Dir, false))
	}
	return nil
}

// addClient lays out the bundle of role: the certificate with the intermediates
// (the server needs them from the client), the key, the root, and the DER key
// with PK8.
func (p *Plan) addClient(role string, is *ca.Issued, key crypto.Signer, intermediates []*x509.Certificate, root *x509.Certificate) error {
	o := p.opts
	p.noteClamp(is)
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		return err
	}
	dir := filepath.Join(o.ClientsDir, role)
	paths := ClientPaths(dir, o.PK8)
	n := len(p.clients)
	// Client files belong to whoever runs pgcert: they are carried to the clients.
	p.add(paths[0], ca.PEM(append([]*x509.Certificate{is.Cert}, intermediates...)...), fsutil.Options{Mode: fsutil.PublicMode, Force: o.Force}, n)
	p.add(paths[1], keyPEM, fsutil.Options{Mode: fsutil.KeyMode, Force: o.Force}, n)
	p.add(paths[2], ca.PEM(root), fsutil.Options{Mode: fsutil.PublicMode, Force: o.Force}, n)
	if o.PK8 {
		der, err := keys.MarshalPKCS8DER(key)
		if err != nil {
			return err
		}
		p.add(paths[3], der, fsutil.Options{Mode: fsutil.KeyMode, Force: o.Force}, n)
	}
	cs := []string{"host=" + ConnValue(p.Hosts[0]), "sslmode=verify-full",
		"sslcert=" + ConnValue(paths[0]), "sslkey=" + ConnValue(paths[1]), "sslrootcert=" + ConnValue(paths[2]),
		"user=" + ConnValue(role)}
	p.clients = append(p.clients, &Client{
		Role:       role,
		Dir:        dir,
		Serial:     ca.SerialHex(is.Cert.SerialNumber.Bytes()),
		NotAfter:   is.Cert.NotAfter.UTC().Format(timeFormat),
		Clamped:    is.Clamped,
		ConnString: strings.Join(cs, " "),
		Files:      []File{},
	})
	return nil
}

// Apply writes every file of the plan in one transaction (client bundle
// directories are made first, mode 0700, as ~/.postgresql should be): on any
// failure no file is changed. It returns what was written.
func (p *Plan) Apply() (*Result, error) {
	o := p.opts
	var txn fsutil.Txn
	for _, f := range p.files {
		if f.client >= 0 {
			if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
				return nil, fmt.Errorf("creating %s: %w", filepath.Dir(f.path), err)
			}
		}
		txn.Add(f.path, f.data, f.opts)
	}
	if o.Configure {
		if err := p.addConfiguration(&txn); err != nil {
			return nil, err
		}
	}
	written, err := txn.Commit()
	if err != nil {
		return nil, err
	}
	// The CA's side once the files are in, so that a failed run changes nothing
	// in the CA directory either. Failing here is only a warning: the files are
	// in, a record the CA does not list yet is not followed, and the next init or
	// renew lists it.
	// A step-ca keeps no list of data directories: see ca.StepRecord.
	if o.CA != nil {
		if err := o.CA.BindDataDir(o.DataDir.Dir); err != nil {
			p.rep.Warnf("%s does not list %s yet, so -D alone does not find the CA (the next pgcert renew with --ca-dir lists it): %v", o.CA.Dir, o.DataDir.Dir, err)
		}
	}
	dd := o.DataDir
	r := &Result{
		DataDir:        dd.Dir,
		IsDataDir:      dd.IsDataDir,
		Version:        dd.Version.String(),
		VersionAssumed: dd.VersionAssumed,
		CA:             p.describeCA(),
		Server:         p.describeServer(),
		CRLs:           p.CRLs,
		Clients:        []Client{},
		Files:          []File{},
		PostgresqlConf: p.ConfLines,
		PgHBAConf:      p.HBALines,
		Configured:     o.Configure,
		Configuration:  p.Configuration,
	}
	client := map[string]int{}
	for _, f := range p.files {
		client[f.path] = f.client
	}
	for _, w := range written {
		if w.ReplacedLink != "" {
			p.rep.Warnf("%s was a symbolic link to %s; replaced the link with a new file, the target is unchanged", w.Path, w.ReplacedLink)
		}
		fr := fsutil.Report(w)
		r.Files = append(r.Files, fr)
		if base := filepath.Base(w.Path); filepath.Dir(w.Path) == dd.Dir && (base == ServerKeyName || base == ServerCrtName) {
			r.Server.Files = append(r.Server.Files, fr)
		}
		if i, ok := client[w.Path]; ok && i >= 0 {
			p.clients[i].Files = append(p.clients[i].Files, fr)
		}
	}
	for _, c := range p.clients {
		r.Clients = append(r.Clients, *c)
	}
	return r, nil
}

// ServerChain is server.crt: the leaf, the intermediates, and the root when the
// file holds more than one certificate (the manual's advice: a client with only
// the root then still finds the whole path) unless noRoot.
func ServerChain(c *ca.CA, leaf *x509.Certificate, noRoot bool) []byte {
	certs := append([]*x509.Certificate{leaf}, c.Intermediates()...)
	if r := c.Root(); r != nil && len(certs) > 1 && !noRoot {
		certs = append(certs, r)
	}
	return ca.PEM(certs...)
}

// ClientPaths are the files of a client bundle in dir: certificate, key, root,
// and with pk8 the DER key.
func ClientPaths(dir string, pk8 bool) []string {
	p := []string{filepath.Join(dir, ClientCertName), filepath.Join(dir, ClientKeyName), filepath.Join(dir, ClientRootName)}
	if pk8 {
		p = append(p, filepath.Join(dir, ClientPK8Name))
	}
	return p
}

// ConnValue quotes a libpq connection string value when it needs it: empty, or
// holding spaces, quotes or backslashes.
func ConnValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n'\\") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

func cnRDN(cn string) pkix.RDNSequence {
	return pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn}}}
}

type silent struct{}

func (silent) Infof(string, ...any) {}
func (silent) Warnf(string, ...any) {}
