package bootstrap

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/crlscope"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// StepRootCRLDays is the validity of the root CRL pgcert makes for a step-ca
// root: a year, because that root's key is kept offline and brought out rarely,
// and every CRL of the chain must stay current or the server refuses every
// client certificate. Revoking an intermediate needs a new one at once anyway.
const StepRootCRLDays = 365

// StepCA is a running step-ca as the CA of a Plan (Options.Step): it issues the
// server's and the clients' certificates from requests (the keys are made here
// and never sent), and publishes the CRL of the intermediate that signs.
type StepCA struct {
	Client      *stepca.Client
	Provisioner *stepca.Provisioner
	// Context bounds the requests (nil: context.Background).
	Context context.Context
	// RootKey is the root's private key, when the admin gives it: the root then
	// gets an (empty) CRL, StepRootCRLDays long, so that ssl_crl_file covers
	// every CA of the chain. Without it, step-ca's root has no CRL, and
	// ssl_crl_file is left out (a warning says why): the server would refuse
	// every client certificate.
	RootKey crypto.Signer
}

// NoRootCRLWarning is the warning of a step-ca plan without the root's key.
const NoRootCRLWarning = "ssl_crl_file is left out: step-ca's root has no CRL (its key is offline) and PostgreSQL refuses every client certificate unless every CA of its chain has one; give the root's key (--root-key) to make the root's CRL and check revocations"

// StepRootCRL returns a CRL of root, signed with key, listing nothing: the CRL
// PostgreSQL needs for a root that revoked nothing, as `pgcert crl gen
// --serials` makes it from an empty list. Its number is thisUpdate in Unix
// seconds, so that a later one always has a higher number without a counter
// kept anywhere.
func StepRootCRL(root *x509.Certificate, key crypto.Signer, now time.Time, rand io.Reader) ([]byte, error) {
	res, err := ca.SignSerialsCRL(strings.NewReader(""), ca.IndexCRLOptions{
		Issuer: root, Signer: key, Number: big.NewInt(now.Unix()), Now: now, Days: StepRootCRLDays, Rand: rand,
	})
	if err != nil {
		return nil, fmt.Errorf("bootstrap: the root's CRL: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: res.Signed.DER()}), nil
}

// StepCRLs returns root.crl for a step-ca chain whose leaf is leaf: the CRL
// step-ca publishes (checked by FetchCRL against intermediates), then with
// rootKey the root's. When the file could not serve (the CA publishes no CRL,
// its CRL's scope leaves out the certificates it issues, or there is no root
// key), data is nil and warning says why ssl_crl_file must be left out.
func StepCRLs(ctx context.Context, c *stepca.Client, leaf *x509.Certificate, intermediates []*x509.Certificate, rootKey crypto.Signer, now time.Time, rand io.Reader) (data []byte, infos []CRL, warning string, err error) {
	fetched, err := c.FetchCRL(ctx, intermediates)
	if errors.Is(err, stepca.ErrNoCRL) {
		return nil, nil, "ssl_crl_file is left out: " + strings.TrimPrefix(err.Error(), "stepca: "), nil
	}
	if err != nil {
		return nil, nil, "", err
	}
	if dp := crlscope.Mismatch(fetched.List, leaf); dp != "" {
		return nil, nil, fmt.Sprintf("ssl_crl_file is left out: step-ca's CRL is for the distribution point %s, which its certificates do not name, so OpenSSL would refuse every client certificate (\"different CRL scope\"); add \"crlDistributionPoints\": [\"%s\"] to the provisioner's X.509 template", dp, dp), nil
	}
	if rootKey == nil {
		return nil, nil, NoRootCRLWarning, nil
	}
	var b bytes.Buffer
	b.WriteString(crl.Comment(fetched.List))
	b.WriteByte('\n')
	b.Write(fetched.PEM)
	infos = append(infos, crl.Summarize(fetched.List))
	rootPEM, err := StepRootCRL(c.Root, rootKey, now, rand)
	if err != nil {
		return nil, nil, "", err
	}
	rl, err := crl.ParseCRLs(rootPEM)
	if err != nil {
		return nil, nil, "", err
	}
	b.WriteString(crl.Comment(rl[0]))
	b.WriteByte('\n')
	b.Write(rootPEM)
	infos = append(infos, crl.Summarize(rl[0]))
	return b.Bytes(), infos, "", nil
}

// newStepPlan is NewPlan with a step-ca: the same files, from step-ca's
// certificates, and ssl_crl_file only when every CA of the chain has a CRL.
func newStepPlan(o Options) (*Plan, error) {
	st := o.Step
	if o.DataDir == nil || st.Client == nil || st.Provisioner == nil || len(o.Hosts) == 0 {
		return nil, errors.New("bootstrap: a data directory, a step-ca client, its provisioner and host names are required")
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
	ctx := st.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Configure {
		if err := CheckConfigureOutside(o.DataDir, o.Config, o.AllowOutside, nil); err != nil {
			return nil, err
		}
	}
	p := &Plan{opts: o, rep: o.Reporter, Hosts: o.Hosts}
	if p.rep == nil {
		p.rep = silent{}
	}
	names := make([]string, len(o.Hosts))
	for i, h := range o.Hosts {
		names[i] = strings.Trim(h, "[]")
	}
	serverKey, err := o.GenerateKey(o.Key)
	if err != nil {
		return nil, err
	}
	server, err := st.Client.Issue(ctx, stepca.Request{Provisioner: st.Provisioner, Key: serverKey, Subject: names[0], SANs: names})
	if err != nil {
		return nil, err
	}
	p.Server = &ca.Issued{Cert: server.Cert}
	root := st.Client.Root
	inters := server.Intermediates
	p.stepIntermediates = inters
	serverKeyPEM, err := keys.MarshalPKCS8PEM(serverKey)
	if err != nil {
		return nil, err
	}
	crlPEM, crls, warning, err := StepCRLs(ctx, st.Client, server.Cert, inters, st.RootKey, o.Now(), o.Rand)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		p.rep.Warnf("%s", warning)
		p.noCRL = true
	}
	p.CRLs = crls

	dir := o.DataDir.Dir
	chain := append([]*x509.Certificate{server.Cert}, inters...)
	if len(chain) > 1 && !o.NoRoot {
		chain = append(chain, root)
	}
	p.add(filepath.Join(dir, ServerKeyName), serverKeyPEM, p.ownedBy(dir, fsutil.KeyMode, o.Force), -1)
	p.add(filepath.Join(dir, ServerCrtName), ca.PEM(chain...), p.ownedBy(dir, fsutil.PublicMode, o.Force), -1)
	p.add(filepath.Join(dir, RootCrtName), ca.PEM(root), p.ownedBy(dir, fsutil.PublicMode, o.Force), -1)
	if !p.noCRL {
		p.add(filepath.Join(dir, RootCRLName), crlPEM, p.ownedBy(dir, fsutil.PublicMode, o.Force), -1)
	}
	rec := ca.StepRecord{URL: st.Client.URL, RootSHA256: stepca.Fingerprint(root), Provisioner: st.Provisioner.Name}
	p.add(filepath.Join(dir, ca.DataDirFile), rec.Marshal(), p.ownedBy(dir, fsutil.PublicMode, true), -1)

	roles := append(append([]string{}, o.Clients...), o.Replication...)
	for i, role := range roles {
		key, err := o.GenerateKey(o.Key)
		if err != nil {
			return nil, err
		}
		is, err := st.Client.Issue(ctx, stepca.Request{Provisioner: st.Provisioner, Key: key, Subject: role})
		if err != nil {
			return nil, err
		}
		if err := p.addRole(i, role, &ca.Issued{Cert: is.Cert}, key, is.Intermediates, root); err != nil {
			return nil, err
		}
	}
	if err := p.planSettings(); err != nil {
		return nil, err
	}
	return p, nil
}

// describeCA reports the CA that signed: a CA directory, or a step-ca by its
// address, root and intermediate.
func (p *Plan) describeCA() CA {
	o := p.opts
	if o.CA != nil {
		return describeCA(o.CA, o.CACreated)
	}
	c := o.Step.Client
	r := CA{Dir: c.URL, Root: describeCert(c.Root, "")}
	if len(p.stepIntermediates) > 0 {
		ir := describeCert(p.stepIntermediates[0], "")
		r.Intermediate = &ir
	}
	return r
}

// describeServer reports the server certificate and where it comes from.
func (p *Plan) describeServer() Issued {
	o := p.opts
	if o.CA != nil {
		return describeIssued(o.CA, p.Server)
	}
	return describeIssued(&ca.CA{Dir: o.Step.Client.URL}, p.Server)
}

// OtherStepCA is OtherCA for a step-ca with root at url: an *OtherCAError when
// dataDir's server.crt, root.crt or root.crl comes from another CA than that
// step-ca (the one its record names, or one it does not record), nil when each
// is the step-ca's, missing, self-signed or unreadable.
func OtherStepCA(dataDir string, root *x509.Certificate, url string) error {
	var recorded string
	if rec, err := ca.ReadDataDirRecord(dataDir); err == nil {
		recorded = rec.CADir
	} else if sb := (*ca.StepBoundError)(nil); errors.As(err, &sb) {
		recorded = "the step-ca at " + sb.Record.URL
	}
	next := fmt.Sprintf("the step-ca at %s (root %s)", url, subject(root.RawSubject))
	fail := func(name, issuer string) error {
		return &OtherCAError{Path: filepath.Join(dataDir, name), Issuer: issuer, RecordedDir: recorded, CADir: "the step-ca at " + url, Next: next}
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	// The CAs of the chain server.crt holds, when it chains to root: their CRLs
	// are the step-ca's too.
	cas := []*x509.Certificate{root}
	if data, err := fsutil.ReadRegular(filepath.Join(dataDir, ServerCrtName), caFileLimit); err == nil {
		if certs, err := chain.ParseCertificates(data); err == nil && len(certs) > 0 {
			leaf := certs[0]
			if !bytes.Equal(leaf.RawIssuer, leaf.RawSubject) || leaf.IsCA {
				inter := x509.NewCertPool()
				for _, c := range certs[1:] {
					inter.AddCert(c)
				}
				// Whether it chains, not whether it is current: at its last second the
				// intermediate that signed it is valid too (step-ca makes leaves within it).
				if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: leaf.NotAfter.Add(-time.Second),
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
					return fail(ServerCrtName, subject(leaf.RawIssuer))
				}
				cas = append(cas, certs[1:]...)
			}
		}
	}
	if data, err := fsutil.ReadRegular(filepath.Join(dataDir, RootCrtName), caFileLimit); err == nil {
		if certs, err := chain.ParseCertificates(data); err == nil && len(certs) > 0 && !slices.ContainsFunc(certs, root.Equal) {
			return fail(RootCrtName, subject(certs[0].RawSubject))
		}
	}
	if data, err := fsutil.ReadRegular(filepath.Join(dataDir, RootCRLName), caFileLimit); err == nil {
		if lists, err := crl.ParseCRLs(data); err == nil && len(lists) > 0 {
			ok := false
			for _, l := range lists {
				for _, x := range cas {
					ok = ok || (bytes.Equal(l.RawIssuer, x.RawSubject) && l.CheckSignatureFrom(x) == nil)
				}
			}
			if !ok {
				return fail(RootCRLName, subject(lists[0].RawIssuer))
			}
		}
	}
	return nil
}
