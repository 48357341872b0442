package world

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// Options tune Make. The zero value is ready to use.
type Options struct {
	// Now is the clock for validity and CRL times the spec leaves open; nil means
	// time.Now.
	Now func() time.Time
	// Force replaces a directory that holds files but no state of a previous run:
	// without it such a directory is refused, since Make replaces the whole
	// directory and would delete them.
	Force bool
	// Parallel is how many keys are generated at once; zero means one per CPU.
	// RSA key generation is most of the time of a world.
	Parallel int
	// ReadFile reads MakeFile's spec; nil means os.ReadFile (a command passes
	// one that refuses FIFOs and bounds the size).
	ReadFile func(path string) ([]byte, error)
}

// Result is what Make made.
type Result struct {
	// Dir is the output directory.
	Dir string `json:"dir"`
	// Changed is false when the directory already held this world and was left
	// untouched.
	Changed bool `json:"changed"`
	// Files are the files and directories of the spec, in its order.
	Files []FileResult `json:"files"`
	// Certs are the certificates of the spec, in its order.
	Certs []CertResult `json:"certs"`

	certs map[string]*x509.Certificate
	keys  map[string]crypto.Signer
	crls  map[string]*x509.RevocationList
}

// FileResult is one file (or hashed CRL directory) of the world.
type FileResult struct {
	// Path is relative to Dir.
	Path string `json:"path"`
	// Kind is cert, key, crl, concat or crldir.
	Kind string `json:"kind"`
	// Mode is the permission bits in octal, "0600".
	Mode string `json:"mode"`
	// SHA256 is the hex digest of the content; for a directory, of its file
	// names and contents.
	SHA256 string `json:"sha256"`
	// Status is "made" (new or changed) or "unchanged".
	Status string `json:"status"`
	// Entries are the file names inside a crldir.
	Entries []string `json:"entries,omitempty"`
}

// CertResult describes one certificate of the world.
type CertResult struct {
	// Name is the certificate's name in the spec, Issuer its issuer's (empty
	// when self-signed).
	Name   string `json:"name"`
	Issuer string `json:"issuer,omitempty"`
	// Subject is in RFC 4514 form, Serial in hexadecimal as openssl prints it.
	Subject   string    `json:"subject"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// Testing is set for certificates the spec marks testing: true.
	Testing bool `json:"testing,omitempty"`
	// Status is "made" or "unchanged" (taken from the previous run).
	Status string `json:"status"`
}

// Cert returns the certificate called name in the spec, or nil. For an RSA-PSS
// key, PublicKey is the *rsa.PublicKey keys.ParseCertificate reads.
func (r *Result) Cert(name string) *x509.Certificate { return r.certs[name] }

// Key returns the private key of the certificate called name, or nil.
func (r *Result) Key(name string) crypto.Signer { return r.keys[name] }

// CRL returns the CRL called name, or nil.
func (r *Result) CRL(name string) *x509.RevocationList { return r.crls[name] }

// built is a world in memory: every key, certificate, CRL and file, with the
// hashes of the inputs each was made from.
type built struct {
	spec   *Spec
	state  *state
	now    time.Time
	certs  map[string]*x509.Certificate
	keys   map[string]crypto.Signer
	crls   map[string]*x509.RevocationList
	files  map[string]*rendered
	hashes map[string]string
	// madeCerts are the certificates not taken from the previous run.
	madeCerts map[string]bool
}

// hashOf hashes v's JSON with the hashes of what it depends on, so that a change
// anywhere below an entry changes the entry's hash.
func hashOf(kind string, v any, deps ...string) string {
	h := sha256.New()
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(h, "%s\n%s\n", kind, b)
	for _, d := range deps {
		fmt.Fprintf(h, "%s\n", d)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Make builds the world spec describes in dir, reusing every key, certificate,
// CRL and file of the previous run whose inputs are unchanged. When nothing
// changed, dir is not touched. Otherwise the whole world is written to a new
// directory beside dir and swapped in with one rename: a failed run leaves the
// previous world as it was.
func Make(spec *Spec, dir string, opts Options) (*Result, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	prev, err := loadState(dir, opts.Force)
	if err != nil {
		return nil, err
	}
	b := &built{
		spec: spec, state: newState(), now: now().UTC().Truncate(time.Second),
		certs: map[string]*x509.Certificate{}, keys: map[string]crypto.Signer{},
		crls: map[string]*x509.RevocationList{}, files: map[string]*rendered{}, hashes: map[string]string{}, madeCerts: map[string]bool{},
	}
	if err := b.makeKeys(prev, opts.Parallel); err != nil {
		return nil, err
	}
	for _, c := range spec.Certs {
		if err := b.makeCert(c, prev); err != nil {
			return nil, err
		}
	}
	for _, c := range spec.CRLs {
		if err := b.makeCRL(c, prev); err != nil {
			return nil, err
		}
	}
	for _, f := range spec.Files {
		if err := b.renderFile(f, prev, dir); err != nil {
			return nil, err
		}
	}
	res := &Result{Dir: dir, certs: b.certs, keys: b.keys, crls: b.crls}
	changed, err := b.write(dir, prev)
	if err != nil {
		return nil, err
	}
	res.Changed = changed
	for _, f := range spec.Files {
		r := b.files[f.Path]
		status := "made"
		if !changed || r.reused {
			status = "unchanged"
		}
		res.Files = append(res.Files, FileResult{Path: f.Path, Kind: f.Kind, Mode: fmt.Sprintf("%04o", f.Mode), SHA256: r.digest(), Status: status, Entries: r.entryNames()})
	}
	for _, c := range spec.Certs {
		res.Certs = append(res.Certs, b.describeCert(c))
	}
	return res, nil
}

// describeCert says what a certificate is.
func (b *built) describeCert(c *CertSpec) CertResult {
	r := CertResult{Name: c.Name, Issuer: c.Issuer, Testing: c.Testing, Status: "unchanged"}
	if b.madeCerts[c.Name] {
		r.Status = "made"
	}
	cert := b.certs[c.Name]
	r.Serial = strings.ToUpper(cert.SerialNumber.Text(16))
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.RawSubject, &rdns); err == nil {
		r.Subject = rdns.String()
	}
	r.NotBefore, r.NotAfter = cert.NotBefore, cert.NotAfter
	return r
}

// MakeFile reads the spec at path and makes its world in dir, as `pgcert make
// -f SPEC -o DIR` does: errors of Make come with MakeHint's hint, and a path or
// dir not given is a usage error.
func MakeFile(path, dir string, opts Options) (*Result, error) {
	switch {
	case path == "":
		return nil, hint.Usagef("give the spec with -f FILE")
	case dir == "":
		return nil, hint.Usagef("give the output directory with -o DIR")
	}
	read := opts.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	spec, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	res, err := Make(spec, dir, opts)
	if err != nil {
		return nil, MakeHint(err, path, dir)
	}
	return res, nil
}

func (b *built) keyHash(c *CertSpec) string { return hashOf("key", c.Key, c.Name) }

// makeKeys takes unchanged keys from the previous state and generates the rest in
// parallel.
func (b *built) makeKeys(prev *state, parallel int) error {
	if parallel <= 0 {
		parallel = runtime.NumCPU()
	}
	type job struct {
		c   *CertSpec
		key crypto.Signer
		err error
	}
	var jobs []*job
	for _, c := range b.spec.Certs {
		h := b.keyHash(c)
		if old, ok := prev.Keys[c.Name]; ok && old.Hash == h {
			if k, err := parseStateKey(old.DER); err == nil {
				b.keys[c.Name] = k
				b.state.Keys[c.Name] = old
				continue
			}
		}
		jobs = append(jobs, &job{c: c})
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j.key, j.err = generateKey(j.c.Key)
		}()
	}
	wg.Wait()
	for _, j := range jobs {
		if j.err != nil {
			return fmt.Errorf("world: key of %s: %w", j.c.Name, j.err)
		}
		der, err := marshalStateKey(j.key)
		if err != nil {
			return err
		}
		b.keys[j.c.Name] = j.key
		b.state.Keys[j.c.Name] = entry{Hash: b.keyHash(j.c), DER: der}
	}
	return nil
}

func generateKey(k KeySpec) (crypto.Signer, error) {
	switch k.Type {
	case "rsa-pss":
		return keys.GenerateRSAPSS(k.Bits)
	case "ec":
		return keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.Curve(k.Curve)})
	case "rsa":
		return keys.Generate(keys.GenerateOptions{Type: keys.TypeRSA, Bits: k.Bits})
	}
	return keys.Generate(keys.GenerateOptions{Type: keys.Type(k.Type)})
}

// makeCert makes a certificate after its issuer, reusing the previous one when
// its spec, key and issuer are unchanged.
func (b *built) makeCert(c *CertSpec, prev *state) error {
	if _, done := b.certs[c.Name]; done {
		return nil
	}
	var issuer *CertSpec
	issuerHash := ""
	if c.Issuer != "" {
		for _, x := range b.spec.Certs {
			if x.Name == c.Issuer {
				issuer = x
			}
		}
		if err := b.makeCert(issuer, prev); err != nil {
			return err
		}
		issuerHash = b.hashes["cert:"+issuer.Name]
	}
	defaults := struct {
		NotBefore time.Time
		Days      int
	}{b.spec.Defaults.NotBefore, b.spec.Defaults.Days}
	h := hashOf("cert", struct {
		C *CertSpec
		D any
	}{c, defaults}, b.state.Keys[c.Name].Hash, issuerHash)
	b.hashes["cert:"+c.Name] = h
	if old, ok := prev.Certs[c.Name]; ok && old.Hash == h {
		if cert, err := keys.ParseCertificate(old.DER); err == nil {
			b.certs[c.Name] = cert
			b.state.Certs[c.Name] = old
			return nil
		}
	}
	in := &certInput{spec: c, serial: c.Serial}
	if in.serial == nil {
		// 127 random bits: far above the 64 bits of entropy CAs must use, below
		// the 159-bit limit every verifier accepts.
		buf := make([]byte, 16)
		if _, err := rand.Read(buf); err != nil {
			return err
		}
		buf[0] &= 0x7f
		in.serial = new(big.Int).SetBytes(buf)
	}
	in.notBefore = c.NotBefore
	if in.notBefore.IsZero() {
		in.notBefore = b.spec.Defaults.NotBefore
	}
	if in.notBefore.IsZero() {
		in.notBefore = b.now
	}
	in.notAfter = c.NotAfter
	if in.notAfter.IsZero() {
		days := c.Days
		if days == 0 {
			days = b.spec.Defaults.Days
		}
		in.notAfter = in.notBefore.AddDate(0, 0, days)
	}
	if !in.notAfter.After(in.notBefore) {
		return &SpecError{File: b.spec.Name, Line: c.line, Field: "certs." + c.Name, Msg: "not_after is not after not_before"}
	}
	if issuer != nil {
		in.issuer, in.issuerKey = b.certs[issuer.Name], b.keys[issuer.Name]
	}
	der, err := buildCertificate(in, b.keys[c.Name])
	if err != nil {
		return fmt.Errorf("world: certificate %s: %w", c.Name, err)
	}
	cert, err := keys.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("world: certificate %s: %w", c.Name, err)
	}
	b.certs[c.Name] = cert
	b.madeCerts[c.Name] = true
	b.state.Certs[c.Name] = entry{Hash: h, DER: der}
	return nil
}

// makeCRL makes a CRL, reusing the previous one when its spec, issuer and revoked
// certificates are unchanged.
func (b *built) makeCRL(c *CRLSpec, prev *state) error {
	deps := []string{b.hashes["cert:"+c.Issuer]}
	for _, r := range c.Revoked {
		if r.Cert != "" {
			deps = append(deps, b.hashes["cert:"+r.Cert])
		}
	}
	h := hashOf("crl", struct {
		C    *CRLSpec
		Days int
	}{c, b.spec.Defaults.CRLDays}, deps...)
	b.hashes["crl:"+c.Name] = h
	if old, ok := prev.CRLs[c.Name]; ok && old.Hash == h {
		if l, err := x509.ParseRevocationList(old.DER); err == nil {
			b.crls[c.Name] = l
			b.state.CRLs[c.Name] = old
			return nil
		}
	}
	this := c.ThisUpdate
	if this.IsZero() {
		this = b.now
	}
	next := c.NextUpdate
	if next.IsZero() {
		days := c.Days
		if days == 0 {
			days = b.spec.Defaults.CRLDays
		}
		if days == 0 {
			days = crl.DefaultDays
		}
		next = this.AddDate(0, 0, days)
	}
	number := c.Number
	if number == nil {
		number = big.NewInt(1)
	}
	var entries []crl.Entry
	for _, r := range c.Revoked {
		serial := r.Serial
		if r.Cert != "" {
			serial = b.certs[r.Cert].SerialNumber
		}
		date := r.Date
		if date.IsZero() {
			date = this
		}
		entries = append(entries, crl.Entry{Serial: serial.Bytes(), RevocationTime: date, Reason: reasons[r.Reason]})
	}
	seq := func(yield func(crl.Entry) bool) {
		for _, e := range entries {
			if !yield(e) {
				return
			}
		}
	}
	der, err := crl.Build(crl.Params{Issuer: b.certs[c.Issuer], Signer: b.keys[c.Issuer], Number: number, ThisUpdate: this, NextUpdate: next}, seq)
	if err != nil {
		return &SpecError{File: b.spec.Name, Line: c.line, Field: "crls." + c.Name, Msg: err.Error()}
	}
	l, err := x509.ParseRevocationList(der)
	if err != nil {
		return fmt.Errorf("world: CRL %s: %w", c.Name, err)
	}
	b.crls[c.Name] = l
	b.state.CRLs[c.Name] = entry{Hash: h, DER: der}
	return nil
}

// ErrNotWorld is returned for an output directory holding files but no
// StateFile: Make replaces the whole directory, so it will not take one it did
// not make unless Options.Force says so.
var ErrNotWorld = errors.New("world: the output directory holds files but no " + StateFile)
