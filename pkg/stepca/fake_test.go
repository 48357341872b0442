package stepca_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// tb is what the fake needs of a test, so that examples can run it too.
type tb interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// fakeCA is step-ca's API as far as the client uses it, in front of a root and
// an intermediate made for the test. It checks tokens as step-ca does:
// signature by the provisioner's key, audience, names.
type fakeCA struct {
	srv         *httptest.Server
	root, inter *x509.Certificate
	interKey    *ecdsa.PrivateKey
	rootKey     *ecdsa.PrivateKey
	provKey     *ecdsa.PrivateKey
	encrypted   string
	now         time.Time
	mu          sync.Mutex
	revoked     []x509.RevocationListEntry
	noCRL       bool
	// idp, when set, is the CRL's issuing distribution point, as step-ca
	// writes it; crldp the certificates' CRL distribution point.
	idp, crldp string
	staleCRL   bool
	lastToken  map[string]any
}

const (
	provName = "admin"
	provPass = "provisioner password"
	provKID  = "kid-1"
)

func newCert(t tb, tmpl, parent *x509.Certificate, pub any, key any) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ecKey(t tb) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newFakeCA(t tb) *fakeCA {
	t.Helper()
	f := &fakeCA{now: time.Now()}
	rootKey := ecKey(t)
	nb, na := f.now.Add(-time.Hour), f.now.Add(24*time.Hour)
	rt := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Fake Root CA"}, NotBefore: nb, NotAfter: na,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	f.root = newCert(t, rt, rt, &rootKey.PublicKey, rootKey)
	f.rootKey = rootKey
	f.interKey = ecKey(t)
	it := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Fake Intermediate CA"}, NotBefore: nb, NotAfter: na,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	f.inter = newCert(t, it, f.root, &f.interKey.PublicKey, rootKey)
	tlsKey := ecKey(t)
	tt := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: nb, NotAfter: na,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	tlsCert := newCert(t, tt, f.inter, &tlsKey.PublicKey, f.interKey)

	f.provKey = ecKey(t)
	jwk := jose.JSONWebKey{Key: f.provKey, KeyID: provKID, Algorithm: "ES256", Use: "sig"}
	plain, err := json.Marshal(jwk)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.PBES2_HS256_A128KW, Key: []byte(provPass), PBES2Count: 1000},
		(&jose.EncrypterOptions{}).WithContentType("jwk+json"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt(plain)
	if err != nil {
		t.Fatal(err)
	}
	if f.encrypted, err = obj.CompactSerialize(); err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	mux.HandleFunc("GET /root/{fp}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"ca": string(pemCert(f.root))})
	})
	mux.HandleFunc("GET /provisioners", func(w http.ResponseWriter, r *http.Request) {
		pub := jose.JSONWebKey{Key: &f.provKey.PublicKey, KeyID: provKID, Algorithm: "ES256", Use: "sig"}
		if r.URL.Query().Get("cursor") == "" {
			writeJSON(w, 200, map[string]any{"provisioners": []any{map[string]any{"type": "ACME", "name": "acme"}}, "nextCursor": "2"})
			return
		}
		writeJSON(w, 200, map[string]any{"provisioners": []any{map[string]any{"type": "JWK", "name": provName, "key": pub, "encryptedKey": f.encrypted}}, "nextCursor": ""})
	})
	mux.HandleFunc("POST /1.0/sign", f.sign)
	mux.HandleFunc("POST /1.0/renew", f.renew)
	mux.HandleFunc("POST /1.0/revoke", f.revoke)
	mux.HandleFunc("GET /1.0/crl", f.crl)
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{tlsCert.Raw, f.inter.Raw}, PrivateKey: tlsKey}},
		ClientAuth: tls.RequestClientCert}
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": status, "message": msg})
}

// checkToken verifies a one-time token as step-ca does and returns its claims.
func (f *fakeCA) checkToken(ott, endpoint string) (map[string]any, string) {
	obj, err := jose.ParseSignedCompact(ott, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return nil, "token: " + err.Error()
	}
	if obj.Signatures[0].Header.KeyID != provKID {
		return nil, "token: unknown kid"
	}
	payload, err := obj.Verify(&f.provKey.PublicKey)
	if err != nil {
		return nil, "token: bad signature"
	}
	var cl map[string]any
	json.Unmarshal(payload, &cl)
	if cl["aud"] != f.srv.URL+"/1.0/"+endpoint || cl["iss"] != provName {
		return nil, "token: wrong audience or issuer"
	}
	f.mu.Lock()
	f.lastToken = cl
	f.mu.Unlock()
	return cl, ""
}

func (f *fakeCA) issue(w http.ResponseWriter, cn string, pub any, dns []string, ips []net.IP) {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: f.now.Add(-time.Minute), NotAfter: f.now.Add(24 * time.Hour), DNSNames: dns, IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	if f.crldp != "" {
		tmpl.CRLDistributionPoints = []string{f.crldp}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.inter, pub, f.interKey)
	if err != nil {
		refuse(w, 500, err.Error())
		return
	}
	leaf := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	writeJSON(w, 201, map[string]any{"crt": string(leaf), "ca": string(pemCert(f.inter)), "certChain": []string{string(leaf), string(pemCert(f.inter))}})
}

func (f *fakeCA) sign(w http.ResponseWriter, r *http.Request) {
	var req struct{ CSR, OTT string }
	json.NewDecoder(r.Body).Decode(&req)
	cl, msg := f.checkToken(req.OTT, "sign")
	if msg != "" {
		refuse(w, 401, msg)
		return
	}
	b, _ := pem.Decode([]byte(req.CSR))
	if b == nil {
		refuse(w, 400, "no csr")
		return
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil || csr.CheckSignature() != nil {
		refuse(w, 400, "bad csr")
		return
	}
	var names []string
	names = append(names, csr.DNSNames...)
	for _, ip := range csr.IPAddresses {
		names = append(names, ip.String())
	}
	names = append(names, csr.EmailAddresses...)
	sans, _ := cl["sans"].([]any)
	if len(sans) != len(names) {
		refuse(w, 403, "certificate request does not contain the valid names")
		return
	}
	f.issue(w, cl["sub"].(string), csr.PublicKey, csr.DNSNames, csr.IPAddresses)
}

func (f *fakeCA) renew(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		refuse(w, 401, "missing client certificate")
		return
	}
	cur := r.TLS.PeerCertificates[0]
	if cur.CheckSignatureFrom(f.inter) != nil {
		refuse(w, 401, "not ours")
		return
	}
	f.mu.Lock()
	for _, e := range f.revoked {
		if e.SerialNumber.Cmp(cur.SerialNumber) == 0 {
			f.mu.Unlock()
			refuse(w, 401, "The request lacked necessary authorization to be completed.")
			return
		}
	}
	f.mu.Unlock()
	f.issue(w, cur.Subject.CommonName, cur.PublicKey, cur.DNSNames, cur.IPAddresses)
}

func (f *fakeCA) revoke(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Serial     string
		OTT        string
		ReasonCode int
		Passive    bool
	}
	json.NewDecoder(r.Body).Decode(&req)
	cl, msg := f.checkToken(req.OTT, "revoke")
	if msg != "" {
		refuse(w, 401, msg)
		return
	}
	if cl["sub"] != req.Serial || !req.Passive {
		refuse(w, 400, "token subject is not the serial")
		return
	}
	n, ok := new(big.Int).SetString(req.Serial, 10)
	if !ok {
		refuse(w, 400, "bad serial")
		return
	}
	f.mu.Lock()
	f.revoked = append(f.revoked, x509.RevocationListEntry{SerialNumber: n, RevocationTime: f.now, ReasonCode: req.ReasonCode})
	f.mu.Unlock()
	writeJSON(w, 200, map[string]string{"status": "ok"})
}

func (f *fakeCA) crl(w http.ResponseWriter, r *http.Request) {
	if f.noCRL {
		refuse(w, 404, "not found")
		return
	}
	f.mu.Lock()
	entries := append([]x509.RevocationListEntry{}, f.revoked...)
	f.mu.Unlock()
	this, next := f.now.Add(-time.Minute), f.now.Add(24*time.Hour)
	if f.staleCRL {
		this, next = f.now.Add(-48*time.Hour), f.now.Add(-24*time.Hour)
	}
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: this, NextUpdate: next, RevokedCertificateEntries: entries}
	if f.idp != "" {
		// IssuingDistributionPoint { distributionPoint [0] { fullName [0] { URI [6] } } }, critical.
		uri := append([]byte{0x86, byte(len(f.idp))}, f.idp...)
		full := append([]byte{0xa0, byte(len(uri))}, uri...)
		dp := append([]byte{0xa0, byte(len(full))}, full...)
		idp := append([]byte{0x30, byte(len(dp))}, dp...)
		tmpl.ExtraExtensions = []pkix.Extension{{Id: []int{2, 5, 29, 28}, Critical: true, Value: idp}}
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, f.inter, f.interKey)
	if err != nil {
		refuse(w, 500, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Write(der)
}
