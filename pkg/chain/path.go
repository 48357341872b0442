package chain

import (
	"encoding/pem"
	"time"
)

// Path is the result of Build: the certificates in the order a server sends them.
type Path struct {
	// Certs holds the leaf first, then each certificate's issuer; when Complete, the
	// last is the root (or the leaf itself, for a self-signed leaf).
	Certs []Input
	// Complete says that the path ends at a self-signed certificate or at one of
	// BuildOptions.Roots.
	Complete bool
	// Missing describes the absent issuer of the last certificate when the path is not
	// complete.
	Missing *MissingIssuerError
	// Unrelated holds the input certificates that are not on the path: certificates of
	// other hierarchies, and alternative issuers (other cross-signatures, older copies of
	// a CA) that the chosen path did not need.
	Unrelated []Input
	// Duplicates holds the exact copies that were dropped (the first copy is kept).
	Duplicates []Input
	// Warnings holds *ExpiredError values when BuildOptions.AllowExpired is set.
	Warnings []error
}

// Leaf returns the first certificate of the path.
func (p *Path) Leaf() Input { return p.Certs[0] }

// Root returns the certificate at the top of a complete path, unless that is the leaf
// itself.
func (p *Path) Root() (Input, bool) {
	if !p.Complete || len(p.Certs) < 2 {
		return Input{}, false
	}
	return p.Certs[len(p.Certs)-1], true
}

// Intermediates returns the certificates between the leaf and the root (up to the top
// when the path is not complete).
func (p *Path) Intermediates() []Input {
	end := len(p.Certs)
	if _, ok := p.Root(); ok {
		end--
	}
	if end <= 1 {
		return nil
	}
	return p.Certs[1:end]
}

// Chain returns the path to write, with or without the root. The PostgreSQL manual
// advises leaving the root out of server.crt (clients must already hold it) but accepts
// it; the caller decides.
func (p *Path) Chain(withRoot bool) []Input {
	if _, ok := p.Root(); ok && !withRoot {
		return p.Certs[:len(p.Certs)-1]
	}
	return p.Certs
}

// PEM encodes Chain(withRoot) as concatenated CERTIFICATE blocks, leaf first, the form
// the server reads ssl_cert_file in.
func (p *Path) PEM(withRoot bool) []byte {
	var out []byte
	for _, in := range p.Chain(withRoot) {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: in.Cert.Raw})...)
	}
	return out
}

// Role is a certificate's place in a path.
type Role string

// Roles of the certificates in a path.
const (
	RoleLeaf         Role = "leaf"
	RoleIntermediate Role = "intermediate"
	RoleRoot         Role = "root"
)

// Element describes one certificate of a path, for --json output.
type Element struct {
	Role      Role      `json:"role"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
	File      string    `json:"file,omitempty"`
}

// Elements describes every certificate of the path, leaf first.
func (p *Path) Elements() []Element {
	_, hasRoot := p.Root()
	out := make([]Element, len(p.Certs))
	for i, in := range p.Certs {
		role := RoleIntermediate
		switch {
		case i == 0:
			role = RoleLeaf
		case hasRoot && i == len(p.Certs)-1:
			role = RoleRoot
		}
		out[i] = Describe(in, role)
	}
	return out
}

// Describe returns the Element for one certificate.
func Describe(in Input, role Role) Element {
	c := in.Cert
	return Element{
		Role:      role,
		Subject:   Subject(c),
		Issuer:    c.Issuer.String(),
		Serial:    Serial(c),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    Fingerprint(c),
		File:      in.File,
	}
}
