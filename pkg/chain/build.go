package chain

import (
	"crypto"
	"crypto/x509"
	"errors"
	"time"
)

// BuildOptions configures Build.
type BuildOptions struct {
	// Now is the time validity is judged at; required.
	Now time.Time
	// Key, when set, is the public key of the private key the certificate goes with
	// (server.key): the leaf is the certificate carrying it.
	Key crypto.PublicKey
	// Roots are certificates from a separate root file (--root): candidates for the top
	// of the path, never the leaf. A path ending at one of them is complete even when it
	// is not self-signed.
	Roots []Input
	// AllowExpired turns expired and not-yet-valid certificates on the path from
	// errors into warnings (Path.Warnings).
	AllowExpired bool
	// RequireRoot makes a path that does not reach a root (a self-signed certificate or
	// one of Roots) an error (*MissingIssuerError). Without it the missing issuer is
	// only described in Path.Missing: a server.crt of leaf and intermediates is complete
	// for the server, whose clients hold the root.
	RequireRoot bool
}

// maxPathDepth bounds the path length: real chains have two to four certificates, and
// OpenSSL itself gives up at 100.
const maxPathDepth = 32

// maxVisits bounds the search over cross-signed alternatives, so that a pathological
// pile of certificates signing each other cannot make Build run for long.
const maxVisits = 100000

// Build orders certificates into the path a server (or a client) sends: the leaf, then
// each certificate's issuer, up to a self-signed root. Issuers are found by signature,
// not only by name. Exact duplicates are dropped (Path.Duplicates) and certificates not
// on the path are set aside (Path.Unrelated).
//
// When a certificate has several issuers among the inputs (a cross-signed intermediate,
// a renewed CA), Build tries every path and keeps, in this order of preference: the one
// with the fewest problems (a non-CA issuer, a pathlen violation),
// then the fewest expired or not-yet-valid certificates, then one that reaches a root,
// then the longest (a longer cross-signed path lets clients that trust either root
// verify it), then the one whose certificates expire last, then input order.
//
// The leaf is found as FindLeaf does. Build returns the path together with any error
// about it, so that callers can show the path they refuse; the error joins one or more
// of *SignatureError, *KeyIDMismatchError, *NotCAError, *PathLenError, *ExpiredError
// and *MissingIssuerError
// (test with errors.As). Leaf-finding errors come without a path.
func Build(inputs []Input, opts BuildOptions) (*Path, error) {
	if opts.Now.IsZero() {
		return nil, ErrNoTime
	}
	pool := dedup(inputs, opts.Roots)
	g := newGraph(pool.nodes)
	leaf, err := g.findLeaf(opts.Key)
	if err != nil {
		return nil, err
	}
	s := &search{g: g, now: opts.Now.Truncate(time.Second), onPath: make([]bool, len(g.nodes))}
	s.visit([]int{leaf})
	best := s.best

	p := &Path{Complete: best.complete, Duplicates: pool.duplicates}
	used := make([]bool, len(g.nodes))
	for _, i := range best.idx {
		p.Certs = append(p.Certs, g.nodes[i].Input)
		used[i] = true
	}
	for i, n := range g.nodes {
		if !used[i] && n.fromInputs {
			p.Unrelated = append(p.Unrelated, n.Input)
		}
	}

	var errs []error
	if !best.complete {
		top := best.idx[len(best.idx)-1]
		if sigErr := g.brokenIssuer(top); sigErr != nil {
			errs = append(errs, sigErr)
		}
		c := g.nodes[top].Cert
		p.Missing = &MissingIssuerError{Cert: g.nodes[top].Input, Issuer: c.Issuer.String(), AuthorityKeyID: c.AuthorityKeyId}
	}
	errs = append(errs, best.problems...)
	if opts.AllowExpired {
		p.Warnings = best.expired
	} else {
		errs = append(errs, best.expired...)
	}
	if opts.RequireRoot && p.Missing != nil {
		errs = append(errs, p.Missing)
	}
	return p, errors.Join(errs...)
}

// brokenIssuer explains why no input issued c although some carry the name of its
// issuer: a *KeyIDMismatchError when one of them did sign c but c's authority key
// identifier names another certificate, else a *SignatureError, preferring a
// candidate whose key identifier matches.
func (g *graph) brokenIssuer(c int) error {
	var sigErr *SignatureError
	for _, p := range g.nameMatches(c) {
		child, parent := g.nodes[c].Cert, g.nodes[p].Cert
		akidOK := akidMatches(parent, parseAuthorityKeyID(child.Extensions))
		err := signedBy(child, parent)
		if err == nil && !akidOK {
			return &KeyIDMismatchError{Cert: g.nodes[c].Input, Issuer: g.nodes[p].Input}
		}
		if sigErr == nil || (akidOK && !sigErr.KeyIDMatches) {
			sigErr = &SignatureError{Cert: g.nodes[c].Input, Issuer: g.nodes[p].Input, KeyIDMatches: akidOK, Err: err}
		}
	}
	if sigErr == nil {
		return nil
	}
	return sigErr
}

// candidate is one path the search found, with what is wrong with it.
type candidate struct {
	idx      []int
	complete bool
	problems []error // *NotCAError, *PathLenError
	expired  []error // *ExpiredError
}

type search struct {
	g      *graph
	now    time.Time
	onPath []bool
	visits int
	best   *candidate
}

func (s *search) visit(path []int) {
	s.visits++
	cur := path[len(path)-1]
	s.onPath[cur] = true
	defer func() { s.onPath[cur] = false }()
	if s.g.selfSignedNode(cur) {
		s.consider(path, true)
		return
	}
	if s.g.nodes[cur].fromRoots {
		s.consider(path, true)
	}
	extended := false
	if len(path) < maxPathDepth {
		for _, p := range s.g.nameMatches(cur) {
			if s.onPath[p] || !s.g.signs(p, cur) || s.visits >= maxVisits {
				continue
			}
			extended = true
			s.visit(append(path[:len(path):len(path)], p))
		}
	}
	if !extended && !s.g.nodes[cur].fromRoots {
		s.consider(path, false)
	}
}

func (s *search) consider(path []int, complete bool) {
	c := &candidate{idx: append([]int(nil), path...), complete: complete}
	below := 0 // CA certificates between the leaf and the current one, not counting self-issued ones
	for k, i := range path {
		in := s.g.nodes[i].Input
		cert := in.Cert
		if k > 0 {
			if problem := notCA(in); problem != nil {
				c.problems = append(c.problems, problem)
			}
			if limit, ok := maxPathLen(cert); ok && k > 1 && below > limit {
				c.problems = append(c.problems, &PathLenError{Cert: in, MaxPathLen: limit, Below: below})
			}
			if !selfIssued(cert) {
				below++
			}
		}
		if e := validity(in, s.now); e != nil {
			c.expired = append(c.expired, e)
		}
	}
	if s.best == nil || s.better(c, s.best) {
		s.best = c
	}
}

// better reports whether candidate a is preferred to b (see Build).
func (s *search) better(a, b *candidate) bool {
	if len(a.problems) != len(b.problems) {
		return len(a.problems) < len(b.problems)
	}
	if len(a.expired) != len(b.expired) {
		return len(a.expired) < len(b.expired)
	}
	if a.complete != b.complete {
		return a.complete
	}
	if len(a.idx) != len(b.idx) {
		return len(a.idx) > len(b.idx)
	}
	for k := range a.idx {
		ca, cb := s.g.nodes[a.idx[k]].Cert, s.g.nodes[b.idx[k]].Cert
		if !ca.NotAfter.Equal(cb.NotAfter) {
			return ca.NotAfter.After(cb.NotAfter)
		}
		if a.idx[k] != b.idx[k] {
			return a.idx[k] < b.idx[k]
		}
	}
	return false
}

// notCA returns a *NotCAError when the certificate may not issue others, in OpenSSL's
// terms (check_ca): basicConstraints must say CA:TRUE (or be absent on a certificate
// whose keyUsage allows signing certificates, or on a version 1 root), and a keyUsage
// extension, when present, must include keyCertSign.
func notCA(in Input) *NotCAError {
	c := in.Cert
	if caKind(c) != 0 {
		return nil
	}
	var reason string
	noSign := kuReject(c, x509.KeyUsageCertSign)
	switch {
	case c.BasicConstraintsValid && !c.IsCA && noSign:
		reason = "basicConstraints CA:FALSE and keyUsage without keyCertSign"
	case c.BasicConstraintsValid && !c.IsCA:
		reason = "basicConstraints CA:FALSE"
	case noSign:
		reason = "keyUsage without keyCertSign"
	default:
		reason = "no basicConstraints extension"
	}
	return &NotCAError{Cert: in, Reason: reason, NoKeyCertSign: noSign, SelfSigned: selfSigned(c)}
}

// maxPathLen returns a CA's basicConstraints pathlen, if it sets one.
func maxPathLen(c *x509.Certificate) (int, bool) {
	if !c.BasicConstraintsValid || !c.IsCA {
		return 0, false
	}
	if c.MaxPathLen > 0 || (c.MaxPathLen == 0 && c.MaxPathLenZero) {
		return c.MaxPathLen, true
	}
	return 0, false
}

// validity returns an *ExpiredError when the certificate is not valid at now, with
// OpenSSL's bounds: valid from notBefore (inclusive) until notAfter (exclusive).
func validity(in Input, now time.Time) *ExpiredError {
	c := in.Cert
	if c.NotBefore.After(now) {
		return &ExpiredError{Cert: in, Now: now, NotYetValid: true}
	}
	if !now.Before(c.NotAfter) {
		return &ExpiredError{Cert: in, Now: now}
	}
	return nil
}
