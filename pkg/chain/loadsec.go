package chain

// LoadRefusal says why OpenSSL refuses certs, the certificates of a server's
// ssl_cert_file in file order, at the security level: the reason as the server's log
// words it after `could not load server certificate file "server.crt": ` ("ee key too
// small", "ca key too small" or "ca md too weak"), and the index in certs of the
// certificate at fault; "" and -1 when it loads. It mirrors ssl_security_cert, which
// SSL_CTX_use_certificate_chain_file applies to the first certificate (the server's)
// and to each one after it (added to the chain sent to clients): the key of each must
// reach the level, and so must the signature of each that is not self-signed. The
// server then does not start, so this comes before anything a client would say.
func LoadRefusal(certs []Input, level int) (reason string, at int) {
	if level <= 0 {
		return "", -1
	}
	for i, in := range certs {
		if !keyStrongEnough(in.Cert, level) {
			if i == 0 {
				return "ee key too small", 0
			}
			return "ca key too small", i
		}
		if !selfSigned(in.Cert) && !signatureStrongEnough(in.Cert, level) {
			return "ca md too weak", i
		}
	}
	return "", -1
}
