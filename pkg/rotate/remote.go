package rotate

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
)

// Remote is a CA service that renews the server certificate instead of a CA
// directory (Options.Remote, in place of OpenCA): a step-ca. It renews for
// whoever holds the current certificate and its key, so a renewal from a timer
// needs no password; it publishes the CRL of the CA that signs, and the root's
// CRL is made only when the root's key is at hand.
type Remote interface {
	// Name is the CA's address, for reports and messages.
	Name() string
	// Root is the CA's root certificate.
	Root() *x509.Certificate
	// Renew returns a new certificate for leaf's key and names, and the
	// intermediates above it; key proves possession of the current one.
	Renew(leaf *x509.Certificate, intermediates []*x509.Certificate, key crypto.Signer) (*x509.Certificate, []*x509.Certificate, error)
	// FetchCRL returns the CA's current CRL, checked against intermediates, and
	// its PEM.
	FetchCRL(intermediates []*x509.Certificate) (*x509.RevocationList, []byte, error)
	// RootCRL returns a new CRL of the root (PEM), or ErrNoRootKey.
	RootCRL(now time.Time) ([]byte, error)
	// Record is the data directory's record of the CA (ca.DataDirFile).
	Record() []byte
}

// ErrNoRootKey says that a Remote cannot sign the root's CRL: its key is offline.
var ErrNoRootKey = errors.New("rotate: the root's key is not at hand")

// remoteState is what a run with a Remote knows beyond a CA directory's run.
type remoteState struct {
	inters  []*x509.Certificate // the CAs between the leaf and the root
	key     crypto.Signer       // the current key, for the renewal's mutual TLS
	fetched *x509.RevocationList
	pemCRL  []byte
	// rootCRL is the root's CRL to keep (PEM), nil when a new one is made or
	// there is none.
	rootCRL    []byte
	newRootCRL bool
}

// openRemote checks that the server certificate chains to the Remote's root.
func (r *renewer) openRemote() error {
	rm := r.opts.Remote
	for _, c := range r.certs[1:] {
		if !bytes.Equal(c.RawIssuer, c.RawSubject) {
			r.rs.inters = append(r.rs.inters, c)
		}
	}
	roots := x509.NewCertPool()
	roots.AddCert(rm.Root())
	inter := x509.NewCertPool()
	for _, c := range r.rs.inters {
		inter.AddCert(c)
	}
	// Whether it chains, not whether it is current: at its last second the
	// intermediate that signed it is valid too (step-ca makes leaves within it).
	if _, err := r.leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: r.leaf.NotAfter.Add(-time.Second),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return failf([]string{"set the data directory up from the step-ca again: pgcert init -D " + shellWord(r.setup.Dir.Dir) + " --ca-url " + shellWord(rm.Name()) + " --force"},
			"%s does not chain to the root of the step-ca at %s: %v", r.certFile.Path, rm.Name(), err)
	}
	if r.rs.key == nil {
		return failf([]string{"step-ca renews a certificate for whoever proves possession of its key: keep the server's key unencrypted (pgcert key strip)"},
			"%s is encrypted: renewing with the step-ca at %s needs the key itself", r.keyFile.Path, rm.Name())
	}
	return nil
}

// planRemoteCRL decides whether ssl_crl_file is due with a Remote: when the CA's
// CRL is newer than the one the file holds (a revocation since, or its
// refresh), or the root's CRL is missing or expiring and its key is at hand.
func (r *renewer) planRemoteCRL() error {
	if !r.hasCRLFile {
		return nil
	}
	rm := r.opts.Remote
	fetched, pemCRL, err := rm.FetchCRL(r.rs.inters)
	if err != nil {
		return err
	}
	r.rs.fetched, r.rs.pemCRL = fetched, pemCRL
	var lists []*x509.RevocationList
	if r.crlExists {
		if lists, err = crl.ParseCRLs(r.crlData); err != nil && !errors.Is(err, crl.ErrNoCRL) && !r.opts.Force {
			return withHints(fmt.Errorf("%s: %w", r.crlFile.Path, err), "rerun with --force to replace it")
		}
	}
	root := rm.Root()
	var current, currentRoot *x509.RevocationList
	for _, l := range lists {
		switch {
		case bytes.Equal(l.RawIssuer, fetched.RawIssuer):
			if current == nil || crl.Newer(l, current) {
				current = l
			}
		case bytes.Equal(l.RawIssuer, root.RawSubject) && l.CheckSignatureFrom(root) == nil:
			if currentRoot == nil || crl.Newer(l, currentRoot) {
				currentRoot = l
			}
		default:
			r.foreign = append(r.foreign, l)
		}
	}
	name := fetched.Issuer.String()
	st := crlState{current: current}
	switch {
	case r.opts.Force:
		st.reason = "--force"
	case current == nil:
		st.reason = fmt.Sprintf("%s has no CRL in %s", name, r.crlFile.Value)
	case crl.Newer(fetched, current):
		st.reason = fmt.Sprintf("the step-ca at %s published a newer CRL of %s", rm.Name(), name)
	}
	rootSt := crlState{current: currentRoot}
	rootDue := currentRoot == nil || r.opts.Force ||
		(!currentRoot.NextUpdate.IsZero() && currentRoot.NextUpdate.Sub(r.now) <= crl.RenewBefore)
	if rootDue {
		if _, err := rm.RootCRL(r.now); err == nil {
			r.rs.newRootCRL = true
			rootSt.reason = fmt.Sprintf("the CRL of %s is missing or due", root.Subject)
		} else if !errors.Is(err, ErrNoRootKey) {
			return err
		} else if currentRoot != nil {
			r.opts.warn(fmt.Sprintf("the CRL of the step-ca root %s in %s expires on %s: give the root's key (--root-key) to renew it, or the server refuses every client certificate from then on",
				root.Subject, r.crlFile.Path, dateText(currentRoot.NextUpdate)))
		} else {
			r.opts.warn(fmt.Sprintf("%s holds no CRL of the step-ca root %s: the server refuses every client certificate; give the root's key (--root-key) to make one, or leave ssl_crl_file out", r.crlFile.Path, root.Subject))
		}
	}
	if !r.rs.newRootCRL && currentRoot != nil {
		r.rs.rootCRL = pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: currentRoot.Raw})
	}
	r.crlDue = st.reason != "" || rootSt.reason != ""
	r.crlStates = append(r.crlStates, st, rootSt)
	return nil
}

// buildRemote renews through the Remote what is due.
func (r *renewer) buildRemote() (*newSet, error) {
	rm := r.opts.Remote
	set := &newSet{}
	if r.certDue {
		if r.opts.Rekey {
			return nil, failf([]string{"leave out --rekey: step-ca renews the certificate of the current key; a new key needs a new certificate (pgcert init -D DIR --ca-url URL --force)"},
				"--rekey does not apply to a certificate from the step-ca at %s", rm.Name())
		}
		cert, inters, err := rm.Renew(r.leaf, r.rs.inters, r.rs.key)
		if err != nil {
			return nil, err
		}
		set.cert = &ca.Issued{Cert: cert}
		certs := append([]*x509.Certificate{cert}, inters...)
		if len(certs) > 1 && !r.leavesOutRoot() {
			certs = append(certs, rm.Root())
		}
		set.chain = ca.PEM(certs...)
	}
	if r.crlDue {
		var b bytes.Buffer
		add := func(l *x509.RevocationList, data []byte) {
			b.WriteString(crl.Comment(l))
			b.WriteByte('\n')
			b.Write(data)
			set.crls = append(set.crls, crl.Summarize(l))
		}
		add(r.rs.fetched, r.rs.pemCRL)
		rootPEM := r.rs.rootCRL
		if r.rs.newRootCRL {
			var err error
			if rootPEM, err = rm.RootCRL(r.now); err != nil {
				return nil, err
			}
		}
		if rootPEM != nil {
			lists, err := crl.ParseCRLs(rootPEM)
			if err != nil {
				return nil, err
			}
			add(lists[0], rootPEM)
		}
		for _, l := range r.foreign {
			add(l, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: l.Raw}))
		}
		set.crlPEM = b.Bytes()
	}
	return set, nil
}

// bindRemote schedules the Remote's record in j when the data directory does not
// hold it yet.
func (r *renewer) bindRemote(j *journal) bool {
	dir := r.setup.Dir.Dir
	want := r.opts.Remote.Record()
	if have, err := fsutil.ReadRegular(filepath.Join(dir, ca.DataDirFile), 1<<16); err == nil && bytes.Equal(have, want) {
		return false
	}
	j.add(filepath.Join(dir, ca.DataDirFile), want, ownerOptions(dir, fsutil.PublicMode))
	return true
}
