package stepca

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// TokenLifetime is how long a one-time token is valid: the 5 minutes `step ca
// token` gives, enough for a request sent at once, short enough that a token
// seen in a log is useless soon after.
const TokenLifetime = 5 * time.Minute

// Provisioner is a JWK provisioner with its key decrypted: it signs one-time
// tokens, which step-ca accepts in place of a password.
type Provisioner struct {
	// Name is the provisioner's name, the tokens' issuer.
	Name string

	key  jose.JSONWebKey
	c    *Client
	rand io.Reader
}

type provisionerList struct {
	Provisioners []struct {
		Type         string          `json:"type"`
		Name         string          `json:"name"`
		Key          json.RawMessage `json:"key"`
		EncryptedKey string          `json:"encryptedKey"`
	} `json:"provisioners"`
	NextCursor string `json:"nextCursor"`
}

// Provisioner finds the JWK provisioner name on the CA and decrypts its key
// with password (JWE, PBES2), as `step ca token` does. Errors:
// *UnknownProvisionerError, *PasswordError, and the requests' errors.
func (c *Client) Provisioner(ctx context.Context, name string, password []byte) (*Provisioner, error) {
	var known []string
	cursor := ""
	for range 100 {
		path := "/provisioners"
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		var list provisionerList
		if err := c.do(ctx, c.http, http.MethodGet, path, nil, &list); err != nil {
			return nil, err
		}
		for _, p := range list.Provisioners {
			if p.Type != "JWK" {
				continue
			}
			known = append(known, p.Name)
			if p.Name == name {
				return decryptProvisioner(c, name, p.EncryptedKey, password)
			}
		}
		if list.NextCursor == "" || list.NextCursor == cursor {
			break
		}
		cursor = list.NextCursor
	}
	return nil, &UnknownProvisionerError{Name: name, Known: known}
}

func decryptProvisioner(c *Client, name, encrypted string, password []byte) (*Provisioner, error) {
	if encrypted == "" {
		return nil, fmt.Errorf("stepca: provisioner %q publishes no encrypted key: tokens for it are made elsewhere", name)
	}
	obj, err := jose.ParseEncryptedCompact(encrypted,
		[]jose.KeyAlgorithm{jose.PBES2_HS256_A128KW, jose.PBES2_HS384_A192KW, jose.PBES2_HS512_A256KW},
		[]jose.ContentEncryption{jose.A128GCM, jose.A192GCM, jose.A256GCM, jose.A128CBC_HS256, jose.A192CBC_HS384, jose.A256CBC_HS512})
	if err != nil {
		return nil, fmt.Errorf("stepca: provisioner %q: its encrypted key: %w", name, err)
	}
	plain, err := obj.Decrypt(password)
	if err != nil {
		return nil, &PasswordError{Provisioner: name}
	}
	var key jose.JSONWebKey
	if err := json.Unmarshal(plain, &key); err != nil || key.IsPublic() || !key.Valid() {
		return nil, fmt.Errorf("stepca: provisioner %q: its decrypted key is not a private JWK", name)
	}
	return &Provisioner{Name: name, key: key, c: c, rand: rand.Reader}, nil
}

// claims are a one-time token's, as step-ca reads them.
type claims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  string   `json:"aud"`
	NotBefore int64    `json:"nbf"`
	IssuedAt  int64    `json:"iat"`
	Expiry    int64    `json:"exp"`
	ID        string   `json:"jti"`
	SANs      []string `json:"sans,omitempty"`
	SHA       string   `json:"sha"`
}

// token signs a one-time token for endpoint (sign, revoke) about subject.
func (p *Provisioner) token(endpoint, subject string, sans []string) (string, error) {
	jti := make([]byte, 32)
	if _, err := io.ReadFull(p.rand, jti); err != nil {
		return "", err
	}
	now := p.c.now()
	cl := claims{
		Issuer: p.Name, Subject: subject, Audience: p.c.URL + "/1.0/" + endpoint,
		NotBefore: now.Unix(), IssuedAt: now.Unix(), Expiry: now.Add(TokenLifetime).Unix(),
		ID: hex.EncodeToString(jti), SANs: sans, SHA: Fingerprint(p.c.Root),
	}
	payload, err := json.Marshal(cl)
	if err != nil {
		return "", err
	}
	alg := jose.SignatureAlgorithm(p.key.Algorithm)
	if alg == "" {
		alg = jose.ES256
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: p.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", p.key.KeyID))
	if err != nil {
		return "", fmt.Errorf("stepca: provisioner %q: %w", p.Name, err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("stepca: provisioner %q: %w", p.Name, err)
	}
	return obj.CompactSerialize()
}

// SignToken returns a one-time token for a certificate for subject (its Common
// Name) with sans (DNS names, IP addresses, e-mail addresses), as `step ca
// token SUBJECT --san ...` makes. step-ca requires the request's names to be
// exactly sans.
func (p *Provisioner) SignToken(subject string, sans []string) (string, error) {
	return p.token("sign", subject, sans)
}

// RevokeToken returns a one-time token to revoke the certificate with serial
// (decimal, as step-ca names certificates).
func (p *Provisioner) RevokeToken(serial string) (string, error) {
	return p.token("revoke", serial, nil)
}
