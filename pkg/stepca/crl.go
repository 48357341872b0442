package stepca

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
)

// CRL is step-ca's CRL, checked.
type CRL struct {
	List *x509.RevocationList
	// Issuer is the CA certificate that signed it.
	Issuer *x509.Certificate
	// PEM is the CRL as root.crl holds it.
	PEM []byte
}

// StaleCRLError says that the CA's CRL is out of date or not yet valid: a
// server given it would refuse every client certificate.
type StaleCRLError struct {
	URL string
	CRL *x509.RevocationList
}

func (e *StaleCRLError) Error() string {
	return fmt.Sprintf("stepca: the CRL from %s is not current: this update %s, next update %s",
		e.URL, e.CRL.ThisUpdate.UTC().Format("2006-01-02 15:04:05Z"), e.CRL.NextUpdate.UTC().Format("2006-01-02 15:04:05Z"))
}

// ErrNoCRL says that the CA publishes no CRL (its "crl" setting is off).
var ErrNoCRL = errors.New("stepca: the CA publishes no CRL (ca.json's \"crl\": {\"enabled\": true} turns it on)")

// FetchCRL gets the CA's CRL (/1.0/crl, step-ca's, a DER CRL of the
// intermediate that signs) and checks it: signed by one of issuers (the CA
// chain, as an issued certificate's Intermediates), current at the client's
// clock. Errors: ErrNoCRL when the CA has none, *StaleCRLError, and the
// requests'.
func (c *Client) FetchCRL(ctx context.Context, issuers []*x509.Certificate) (*CRL, error) {
	data, err := c.doRaw(ctx, c.http, http.MethodGet, "/1.0/crl", nil)
	var re *RefusedError
	if errors.As(err, &re) && (re.Status == http.StatusNotFound || re.Status == http.StatusNotImplemented) {
		return nil, ErrNoCRL
	}
	if err != nil {
		return nil, err
	}
	der := data
	if b, _ := pem.Decode(data); b != nil {
		der = b.Bytes
	}
	list, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("stepca: the CRL from %s: %w", c.URL, err)
	}
	var issuer *x509.Certificate
	for _, x := range append(append([]*x509.Certificate{}, issuers...), c.Root) {
		if bytes.Equal(list.RawIssuer, x.RawSubject) && list.CheckSignatureFrom(x) == nil {
			issuer = x
			break
		}
	}
	if issuer == nil {
		return nil, fmt.Errorf("stepca: the CRL from %s is not signed by a CA of its chain (issuer %s)", c.URL, list.Issuer)
	}
	now := c.now()
	if list.ThisUpdate.After(now) || (!list.NextUpdate.IsZero() && !list.NextUpdate.After(now)) {
		return nil, &StaleCRLError{URL: c.URL + "/1.0/crl", CRL: list}
	}
	return &CRL{List: list, Issuer: issuer, PEM: pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})}, nil
}
