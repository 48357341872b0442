package rotate

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// renewer is one run of Renew: what the data directory holds, what is due, and
// what replaces it.
type renewer struct {
	opts  *Options
	setup *pgdata.Setup
	now   time.Time

	certFile, keyFile, crlFile pgdata.SSLFile
	hasCRLFile                 bool

	// The current files.
	certData, keyData, crlData []byte
	crlExists                  bool
	certs                      []*x509.Certificate // ssl_cert_file, in file order
	leaf                       *x509.Certificate   // the first: what the server serves
	pub                        crypto.PublicKey    // the key the new certificate certifies

	c *ca.CA

	certDue    bool
	certReason string
	renewAt    time.Duration
	crlStates  []crlState
	crlDue     bool
	foreign    []*x509.RevocationList // CRLs in ssl_crl_file of CAs outside the chain

	rs remoteState // with Options.Remote
}

// crlState is the newest CRL ssl_crl_file holds for one CA of the chain, and why it
// must be replaced.
type crlState struct {
	ca      *ca.CA
	current *x509.RevocationList // nil when the file holds none
	reason  string               // "" when it is current
}

// Renew renews what is due in the data directory of opts.Setup: the server
// certificate (ssl_cert_file) when it expires within opts.Within (by default a third
// of its lifetime), and ssl_crl_file when a CA of the chain has no CRL in it, when
// one expires within crl.RenewBefore, or when the CA revoked certificates since. The
// new set is validated on a staged copy, then swapped in as one transaction with
// the current files kept as FILE.prev; with opts.Reload the running server is
// reloaded and watched until it serves the new files.
//
// On failure the report is nil, unless the files were swapped and the reload failed:
// then both are returned.
//
// A run holds an exclusive lock on the data directory from start to end, and reads
// the clock once it has the lock. It first completes the change a killed run left
// halfway (JournalName), and removes the staging directories killed runs left.
func Renew(opts Options) (*Report, error) {
	release, err := begin(&opts)
	if err != nil {
		return nil, err
	}
	defer release()
	r := &renewer{opts: &opts, setup: opts.Setup, now: opts.now()}
	return r.run()
}

// begin locks the data directory for a run, completes a killed run's change, and
// removes what killed runs left.
func begin(opts *Options) (release func(), err error) {
	dir := opts.Setup.Dir.Dir
	if release, err = lockDataDir(dir, opts.info); err != nil {
		return nil, err
	}
	recovered, err := recoverJournal(opts)
	if err != nil {
		release()
		return nil, err
	}
	if recovered {
		opts.warn(fmt.Sprintf("completed the change a killed pgcert renew left halfway in %s", dir))
	}
	if _, err := removeStaleStages(dir); err != nil {
		release()
		return nil, fmt.Errorf("removing what an interrupted renewal left in %s: %w", dir, err)
	}
	return release, nil
}

// run renews what is due and returns the report.
func (r *renewer) run() (*Report, error) {
	if err := r.readCurrent(); err != nil {
		return nil, err
	}
	if r.opts.Remote != nil {
		if err := r.openRemote(); err != nil {
			return nil, err
		}
	} else if err := r.openCA(); err != nil {
		return nil, err
	}
	r.planCert()
	planCRL := r.planCRL
	if r.opts.Remote != nil {
		planCRL = r.planRemoteCRL
	}
	if err := planCRL(); err != nil {
		return nil, err
	}
	rep := r.baseReport()
	if !r.certDue && !r.crlDue {
		rep.Action = ActionNothing
		if err := r.bindAlone(); err != nil {
			return nil, err
		}
		if r.opts.Reload {
			return r.reloadIfStale(rep)
		}
		return rep, nil
	}
	if err := checkOutside(r.opts, managedPaths(r.setup)); err != nil {
		return nil, err
	}
	build := r.build
	if r.opts.Remote != nil {
		build = r.buildRemote
	}
	set, err := build()
	if err != nil {
		return nil, err
	}
	if err := r.validate(set); err != nil {
		return nil, err
	}
	if err := r.commit(set, rep); err != nil {
		return nil, err
	}
	rep.Action = ActionRenewed
	if r.opts.Reload {
		return r.reloadAfter(rep, set.newLeaf(r), r.certDue)
	}
	return rep, nil
}

// readCurrent reads the server's certificate, key and CRL file as they are now.
func (r *renewer) readCurrent() error {
	r.certFile, _ = r.setup.File("ssl_cert_file")
	r.keyFile, _ = r.setup.File("ssl_key_file")
	r.crlFile, r.hasCRLFile = r.setup.File("ssl_crl_file")
	if dir, ok := r.setup.File("ssl_crl_dir"); ok {
		r.opts.warn(fmt.Sprintf("ssl_crl_dir = '%s' is not refreshed by pgcert renew: rebuild it with pgcert crl dir --out %s when its CRLs are due", dir.Value, shellWord(dir.Path)))
	}
	var err error
	if r.certData, err = readFile(r.certFile.Path); err != nil {
		return withHints(err, "pgcert renew renews a certificate that exists: make one with pgcert init -D "+shellWord(r.setup.Dir.Dir))
	}
	if r.certs, err = chain.ParseCertificates(r.certData); err != nil {
		return fmt.Errorf("%s: %w", r.certFile.Path, err)
	}
	r.leaf = r.certs[0]
	if r.keyData, err = readFile(r.keyFile.Path); err != nil {
		return err
	}
	r.pub = keys.CertificatePublicKey(r.leaf)
	k, err := keys.Parse(r.keyData, nil)
	switch {
	case err == nil:
		r.pub = k.Signer.Public()
		r.rs.key = k.Signer
		if !keys.CertificateHasKey(r.leaf, r.pub) {
			return failf([]string{"which certificate the key belongs to, and the fix: pgcert check -D " + shellWord(r.setup.Dir.Dir)},
				"%s does not belong to the first certificate of %s, which the server serves: renewal keeps the key, so fix this first", r.keyFile.Path, r.certFile.Path)
		}
	case errors.Is(err, keys.ErrPassphraseRequired):
		// An encrypted key: the new certificate certifies the current one's key.
	default:
		return fmt.Errorf("%s: %w", r.keyFile.Path, err)
	}
	if r.hasCRLFile {
		r.crlData, err = fsutil.ReadInput(r.crlFile.Path, maxInputSize)
		switch {
		case err == nil:
			r.crlExists = true
		case errors.Is(err, fs.ErrNotExist):
		default:
			return inputError(r.crlFile.Path, err)
		}
	}
	return nil
}

// openCA opens the CA and makes sure it issued the server certificate.
func (r *renewer) openCA() error {
	if r.opts.OpenCA == nil {
		return errors.New("rotate: Options.OpenCA is not set")
	}
	var err error
	if r.c, err = r.opts.OpenCA(); err != nil {
		return err
	}
	if !bytes.Equal(r.leaf.RawIssuer, r.c.Cert.RawSubject) {
		issuer, _ := selfsign.FormatSubject(r.leaf.RawIssuer)
		hints := []string{"give the CA directory that issued it with --ca-dir (or $PGCERT_CA_DIR)"}
		if bytes.Equal(r.leaf.RawIssuer, r.leaf.RawSubject) {
			hints = append(hints, "a self-signed certificate is renewed with: pgcert selfsign -D "+shellWord(r.setup.Dir.Dir)+hostFlags(r.leaf)+" --force")
		}
		return failf(hints, "%s was issued by %s, not by the CA in %s (%s)", r.certFile.Path, issuer, r.c.Dir, r.c.Cert.Subject)
	}
	if err := r.leaf.CheckSignatureFrom(r.c.Cert); err != nil {
		// The same name, another key: a CA made again, whose certificates the
		// clients' root.crt does not verify.
		return failf([]string{"give the CA directory that issued it with --ca-dir (or $PGCERT_CA_DIR)"},
			"%s was not signed by the CA in %s: that CA has the name of its issuer, %s, but another key", r.certFile.Path, r.c.Dir, r.c.Cert.Subject)
	}
	return nil
}

// planCert decides whether the server certificate is due.
func (r *renewer) planCert() {
	lifetime := r.leaf.NotAfter.Sub(r.leaf.NotBefore)
	r.renewAt = lifetime / RenewFraction
	if r.opts.WithinSet {
		r.renewAt = r.opts.Within
	}
	left := r.leaf.NotAfter.Sub(r.now)
	switch {
	case r.opts.Force:
		r.certDue, r.certReason = true, "--force"
	case left <= 0:
		r.certDue, r.certReason = true, fmt.Sprintf("it expired on %s", dateText(r.leaf.NotAfter))
	case left <= r.renewAt:
		r.certDue, r.certReason = true, fmt.Sprintf("it expires in %s, within %s", describeDays(left), r.renewAtText())
	default:
		r.certReason = fmt.Sprintf("it expires in %s, renewal at %s", describeDays(left), r.renewAtText())
	}
}

// renewAtText says when renewal is due and why.
func (r *renewer) renewAtText() string {
	if r.opts.WithinSet {
		return describeDays(r.renewAt) + " (--within)"
	}
	return fmt.Sprintf("%s (a third of its %d-day lifetime)", describeDays(r.renewAt), durationDays(r.leaf.NotAfter.Sub(r.leaf.NotBefore)))
}

// planCRL decides whether ssl_crl_file is due: for each CA of the chain, its newest
// CRL in the file must exist, not expire within crl.RenewBefore, and list every
// certificate the CA's index marks revoked.
func (r *renewer) planCRL() error {
	if !r.hasCRLFile {
		return nil
	}
	var lists []*x509.RevocationList
	if r.crlExists {
		var err error
		lists, err = crl.ParseCRLs(r.crlData)
		if err != nil && !errors.Is(err, crl.ErrNoCRL) {
			if !r.opts.Force {
				return withHints(fmt.Errorf("%s: %w", r.crlFile.Path, err), "rerun with --force to replace it with a new CRL for every CA")
			}
			// What the file holds cannot be kept: --force replaces it whole.
			lists = nil
		}
	}
	mine := map[*x509.RevocationList]bool{}
	for _, x := range r.c.CAs() {
		st := crlState{ca: x}
		for _, l := range lists {
			if bytes.Equal(l.RawIssuer, x.Cert.RawSubject) && l.CheckSignatureFrom(x.Cert) == nil {
				mine[l] = true
				if st.current == nil || crl.Newer(l, st.current) {
					st.current = l
				}
			}
		}
		name := x.Cert.Subject.String()
		switch {
		case r.opts.Force:
			st.reason = "--force"
		case st.current == nil:
			st.reason = fmt.Sprintf("%s has no CRL in %s", name, r.crlFile.Value)
		case !st.current.NextUpdate.IsZero() && !st.current.NextUpdate.After(r.now):
			st.reason = fmt.Sprintf("the CRL of %s expired on %s", name, dateText(st.current.NextUpdate))
		case !st.current.NextUpdate.IsZero() && st.current.NextUpdate.Sub(r.now) <= crl.RenewBefore:
			st.reason = fmt.Sprintf("the CRL of %s expires in %s, within %d days", name, describeDays(st.current.NextUpdate.Sub(r.now)), durationDays(crl.RenewBefore))
		default:
			n, err := unlisted(x, st.current)
			if err != nil {
				return err
			}
			if n > 0 {
				st.reason = fmt.Sprintf("%s revoked %s since its CRL was made", name, plural(n, "certificate", "certificates"))
			}
		}
		if st.reason != "" {
			r.crlDue = true
		}
		r.crlStates = append(r.crlStates, st)
	}
	for _, l := range lists {
		if !mine[l] {
			r.foreign = append(r.foreign, l)
		}
	}
	return nil
}

// unlisted counts the certificates x's index marks revoked that cl does not list.
func unlisted(x *ca.CA, cl *x509.RevocationList) (int, error) {
	records, err := x.List()
	if err != nil {
		return 0, err
	}
	listed := map[string]bool{}
	for _, e := range cl.RevokedCertificateEntries {
		listed[ca.SerialHex(e.SerialNumber.Bytes())] = true
	}
	n := 0
	for _, rec := range records {
		if rec.Entry.Status == ca.StatusRevoked && !listed[ca.SerialHex(rec.Entry.Serial)] {
			n++
		}
	}
	return n, nil
}

// hostFlags are the --host flags that give a new certificate leaf's names: its DNS
// and IP subjectAltNames, or its Common Name when it has none.
func hostFlags(leaf *x509.Certificate) string {
	hosts := slices.Clone(leaf.DNSNames)
	for _, ip := range leaf.IPAddresses {
		hosts = append(hosts, ip.String())
	}
	if len(hosts) == 0 && leaf.Subject.CommonName != "" {
		hosts = append(hosts, leaf.Subject.CommonName)
	}
	var b strings.Builder
	for _, h := range hosts {
		b.WriteString(" --host " + shellWord(h))
	}
	return b.String()
}
