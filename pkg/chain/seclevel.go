package chain

import (
	"crypto/dsa" //lint:ignore SA1019 crypto/x509 still parses DSA keys in certificates, and their size decides OpenSSL's security level
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"math"
)

// minSecurityBits is OpenSSL's minimum strength, in bits, for security levels 1 to 5.
var minSecurityBits = [...]int{80, 112, 128, 192, 256}

func levelBits(level int) int {
	if level > len(minSecurityBits) {
		level = len(minSecurityBits)
	}
	return minSecurityBits[level-1]
}

// keyStrongEnough reports whether the certificate's public key reaches the security
// level (OpenSSL's check_key_level, EVP_PKEY_get_security_bits).
func keyStrongEnough(c *x509.Certificate, level int) bool {
	return keySecurityBits(c.PublicKey) >= levelBits(level)
}

func keySecurityBits(pub any) int {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return ifcSecurityBits(k.N.BitLen())
	case *ecdsa.PublicKey:
		return k.Curve.Params().N.BitLen() / 2
	case ed25519.PublicKey:
		return 128
	case *dsa.PublicKey:
		return min(ifcSecurityBits(k.P.BitLen()), k.Q.BitLen()/2)
	}
	return 0
}

// ifcSecurityBits is OpenSSL 3's ossl_ifc_ffc_compute_security_bits: the strength of
// an n-bit RSA modulus (or DSA prime), with the standards' fixed values for common sizes
// and the SP 800-56B formula, rounded to a multiple of 8, for the others.
func ifcSecurityBits(n int) int {
	switch n {
	case 2048:
		return 112
	case 3072:
		return 128
	case 4096:
		return 152
	case 6144:
		return 176
	case 7680:
		return 192
	case 8192:
		return 200
	case 15360:
		return 256
	}
	if n >= 687737 {
		return 1200
	}
	if n < 8 {
		return 0
	}
	limit := 1200
	switch {
	case n <= 7680:
		limit = 192
	case n <= 15360:
		limit = 256
	}
	x := float64(n) * math.Ln2
	y := (1.923*math.Cbrt(x*math.Log(x)*math.Log(x)) - 4.69) / math.Ln2
	bits := (int(y) + 4) &^ 7
	return min(bits, limit)
}

// signatureStrongEnough reports whether the certificate's signature reaches the
// security level (OpenSSL's check_sig_level): half the digest size, with SHA-1 counted
// as 63 bits and MD5 as 39, so that both fail from level 1 on.
func signatureStrongEnough(c *x509.Certificate, level int) bool {
	return signatureSecurityBits(c.SignatureAlgorithm) >= levelBits(level)
}

func signatureSecurityBits(alg x509.SignatureAlgorithm) int {
	switch alg {
	case x509.MD5WithRSA:
		return 39
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		return 63
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256, x509.DSAWithSHA256, x509.PureEd25519:
		return 128
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		return 192
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		return 256
	}
	return 0
}
