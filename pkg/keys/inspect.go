package keys

// Info describes a private key without any of its secret material: what
// `pgcert key show` prints, and what Parse reports along with the key. It is emitted
// as JSON by --json; every field is always present, so the field names are a stable
// interface.
type Info struct {
	// Algorithm is "RSA", "ECDSA" or "Ed25519"; "" when it cannot be known without
	// decrypting (an encrypted PKCS#8 key seen by Inspect).
	Algorithm string `json:"algorithm"`
	// Bits is the key size: the RSA modulus, the ECDSA curve's field size, 256 for
	// Ed25519; 0 when unknown.
	Bits int `json:"bits"`
	// Curve is the ECDSA curve ("P-256", "P-384", "P-521"), "" for other keys or when
	// unknown.
	Curve string `json:"curve"`
	// Container is the key structure: "PKCS#8", "PKCS#1" (RSA only) or "SEC1" (EC
	// only); see the Container constants.
	Container string `json:"container"`
	// Encoding is "PEM" or "DER".
	Encoding string `json:"encoding"`
	// Encrypted reports whether the key is stored encrypted; Encryption then says how.
	Encrypted  bool        `json:"encrypted"`
	Encryption *Encryption `json:"encryption"`
	// Fingerprint identifies the public key, as PublicKeyFingerprint formats it; ""
	// when the public key is not known without decrypting.
	Fingerprint string `json:"fingerprint"`
}

// Encryption describes how an encrypted key is protected. Fields that do not apply to
// the scheme are zero.
type Encryption struct {
	// Scheme is "PBES2" or "PBES1" (PKCS#8), or "PEM (Proc-Type 4,ENCRYPTED)" (the
	// legacy OpenSSL encryption of PKCS#1 and SEC1 PEM files).
	Scheme string `json:"scheme"`
	// KDF turns the passphrase into a key: "PBKDF2", "scrypt", "PKCS#12 KDF",
	// "PBKDF1" or "EVP_BytesToKey (MD5)".
	KDF string `json:"kdf"`
	// PRF is the function the KDF iterates: "HMAC-SHA256" and the like for PBKDF2,
	// "SHA-1" or "MD5" for the PBES1 KDFs; "" for scrypt and EVP_BytesToKey.
	PRF string `json:"prf"`
	// Cipher is the encryption as openssl names it, e.g. "AES-256-CBC".
	Cipher string `json:"cipher"`
	// Iterations is the KDF's iteration count (1 for EVP_BytesToKey); 0 for scrypt.
	Iterations uint64 `json:"iterations"`
	// ScryptN, ScryptR and ScryptP are scrypt's cost, block size and parallelism.
	ScryptN uint64 `json:"scrypt_n"`
	ScryptR uint64 `json:"scrypt_r"`
	ScryptP uint64 `json:"scrypt_p"`
	// SaltLength is the salt's size in bytes.
	SaltLength int `json:"salt_length"`
}

// Inspect describes the private key in data (PEM or DER, as Parse reads) without
// decrypting it and without a passphrase. For an unencrypted key every field is
// filled. For an encrypted PKCS#8 key the algorithm, size and fingerprint are unknown
// until decryption; for a legacy PEM-encrypted key the PEM label gives the algorithm
// only. The encryption parameters are reported as found, even beyond the limits Parse
// enforces, so that a hostile file can be looked at safely.
//
// Inspect returns the same errors as Parse for input that is not a key pgcert reads.
func Inspect(data []byte) (*Info, error) {
	if IsPKCS12(data) {
		// Everything in it, the key's algorithm included, is encrypted.
		return &Info{Container: ContainerPKCS12, Encoding: "DER", Encrypted: true}, nil
	}
	k, err := findKey(data)
	if err != nil {
		return nil, err
	}
	ex, err := examine(k)
	if err != nil {
		return nil, err
	}
	return ex.info, nil
}
