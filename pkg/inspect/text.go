package inspect

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"strings"

	"github.com/pgcert/pgcert/pkg/keys"
)

// TextCertificate describes cert as `openssl x509 -text -noout` does, with
// the same sections, labels and number formats (Version, Serial Number in
// colon-separated hex, Signature Algorithm, Issuer, Validity, Subject,
// Subject Public Key Info, X509v3 extensions, signature), so that the text
// pgcert writes before a PEM block reads like openssl's. Extensions pgcert
// does not know are shown as a hex dump.
func TextCertificate(cert *x509.Certificate) string {
	var b strings.Builder
	b.WriteString("Certificate:\n    Data:\n")
	fmt.Fprintf(&b, "        Version: %d (0x%x)\n", cert.Version, cert.Version-1)
	writeSerial(&b, cert.SerialNumber)
	fmt.Fprintf(&b, "        Signature Algorithm: %s\n", sigAlgName(cert.SignatureAlgorithm))
	fmt.Fprintf(&b, "        Issuer: %s\n", subjectName(cert.RawIssuer))
	b.WriteString("        Validity\n")
	fmt.Fprintf(&b, "            Not Before: %s\n", cert.NotBefore.UTC().Format(textTime))
	fmt.Fprintf(&b, "            Not After : %s\n", cert.NotAfter.UTC().Format(textTime))
	fmt.Fprintf(&b, "        Subject: %s\n", subjectName(cert.RawSubject))
	writePublicKey(&b, cert.PublicKey, cert.RawSubjectPublicKeyInfo, 8)
	if len(cert.Extensions) > 0 {
		b.WriteString("        X509v3 extensions:\n")
		writeExtensions(&b, cert.Extensions, 12)
	}
	writeSignature(&b, cert.SignatureAlgorithm, cert.Signature)
	return b.String()
}

// TextRequest describes csr as `openssl req -text -noout` does: Version,
// Subject, Subject Public Key Info, the requested extensions, signature.
func TextRequest(csr *x509.CertificateRequest) string {
	var b strings.Builder
	b.WriteString("Certificate Request:\n    Data:\n")
	fmt.Fprintf(&b, "        Version: %d (0x%x)\n", csr.Version+1, csr.Version)
	fmt.Fprintf(&b, "        Subject: %s\n", subjectName(csr.RawSubject))
	writePublicKey(&b, csr.PublicKey, csr.RawSubjectPublicKeyInfo, 8)
	// openssl 3 prints the "Requested Extensions:" heading even when there
	// are none; so does pgcert, to read the same.
	b.WriteString("        Attributes:\n")
	if len(csr.Extensions) == 0 {
		b.WriteString("            (none)\n")
	}
	b.WriteString("            Requested Extensions:\n")
	writeExtensions(&b, csr.Extensions, 16)
	writeSignature(&b, csr.SignatureAlgorithm, csr.Signature)
	return b.String()
}

// textTime is the layout of OpenSSL's ASN1_TIME_print.
const textTime = "Jan _2 15:04:05 2006 GMT"

// writeSerial prints a serial as openssl does: in decimal and hex on one line
// when it fits in a long, else as colon-separated hex bytes on the next.
func writeSerial(b *strings.Builder, n *big.Int) {
	if n == nil {
		b.WriteString("        Serial Number: (none)\n")
		return
	}
	mag := new(big.Int).Abs(n)
	if mag.IsInt64() {
		sign := ""
		if n.Sign() < 0 {
			sign = "-"
		}
		fmt.Fprintf(b, "        Serial Number: %s%d (%s0x%x)\n", sign, mag.Uint64(), sign, mag.Uint64())
		return
	}
	b.WriteString("        Serial Number:\n            ")
	if n.Sign() < 0 {
		b.WriteString(" (Negative)")
	}
	b.WriteString(hexColon(mag.Bytes(), false))
	b.WriteByte('\n')
}

var sigAlgNames = map[x509.SignatureAlgorithm]string{
	x509.SHA256WithRSA:    "sha256WithRSAEncryption",
	x509.SHA384WithRSA:    "sha384WithRSAEncryption",
	x509.SHA512WithRSA:    "sha512WithRSAEncryption",
	x509.SHA1WithRSA:      "sha1WithRSAEncryption",
	x509.MD5WithRSA:       "md5WithRSAEncryption",
	x509.SHA256WithRSAPSS: "rsassaPss",
	x509.SHA384WithRSAPSS: "rsassaPss",
	x509.SHA512WithRSAPSS: "rsassaPss",
	x509.ECDSAWithSHA1:    "ecdsa-with-SHA1",
	x509.ECDSAWithSHA256:  "ecdsa-with-SHA256",
	x509.ECDSAWithSHA384:  "ecdsa-with-SHA384",
	x509.ECDSAWithSHA512:  "ecdsa-with-SHA512",
	x509.PureEd25519:      "ED25519",
}

// sigAlgName is OpenSSL's name for a signature algorithm.
func sigAlgName(a x509.SignatureAlgorithm) string {
	if n, ok := sigAlgNames[a]; ok {
		return n
	}
	return a.String()
}

// writePublicKey prints the Subject Public Key Info section at indent.
func writePublicKey(b *strings.Builder, pub any, spki []byte, indent int) {
	in := strings.Repeat(" ", indent)
	in4, in8, in12 := in+"    ", in+"        ", in+"            "
	fmt.Fprintf(b, "%sSubject Public Key Info:\n", in)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		fmt.Fprintf(b, "%sPublic Key Algorithm: id-ecPublicKey\n", in4)
		fmt.Fprintf(b, "%sPublic-Key: (%d bit)\n", in8, k.Curve.Params().BitSize)
		fmt.Fprintf(b, "%spub:\n", in8)
		writeHexBlock(b, spkiBits(spki), in12, 15)
		oid, nist := curveNames(k.Curve.Params().Name)
		fmt.Fprintf(b, "%sASN1 OID: %s\n", in8, oid)
		if nist != "" {
			fmt.Fprintf(b, "%sNIST CURVE: %s\n", in8, nist)
		}
	case *rsa.PublicKey, *keys.RSAPSSPublicKey:
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			rk = k.(*keys.RSAPSSPublicKey).RSA()
		}
		if keys.IsRSAPSSPublicKeyInfo(spki) {
			fmt.Fprintf(b, "%sPublic Key Algorithm: rsassaPss\n", in4)
			fmt.Fprintf(b, "%sRSA-PSS Public-Key: (%d bit)\n", in8, rk.N.BitLen())
		} else {
			fmt.Fprintf(b, "%sPublic Key Algorithm: rsaEncryption\n", in4)
			fmt.Fprintf(b, "%sPublic-Key: (%d bit)\n", in8, rk.N.BitLen())
		}
		fmt.Fprintf(b, "%sModulus:\n", in8)
		mod := rk.N.Bytes()
		if len(mod) > 0 && mod[0]&0x80 != 0 {
			mod = append([]byte{0}, mod...)
		}
		writeHexBlock(b, mod, in12, 15)
		fmt.Fprintf(b, "%sExponent: %d (0x%x)\n", in8, rk.E, rk.E)
	case ed25519.PublicKey:
		fmt.Fprintf(b, "%sPublic Key Algorithm: ED25519\n", in4)
		fmt.Fprintf(b, "%sED25519 Public-Key:\n", in8)
		fmt.Fprintf(b, "%spub:\n", in8)
		writeHexBlock(b, k, in12, 15)
	default:
		fmt.Fprintf(b, "%sPublic Key Algorithm: %T\n", in4, pub)
		fmt.Fprintf(b, "%spub:\n", in8)
		writeHexBlock(b, spkiBits(spki), in12, 15)
	}
}

// spkiBits returns the subjectPublicKey bits of a DER SubjectPublicKeyInfo.
func spkiBits(spki []byte) []byte {
	var info struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		return nil
	}
	return info.PublicKey.Bytes
}

// curveNames returns OpenSSL's ASN1 OID and NIST CURVE names for a Go
// curve name.
func curveNames(name string) (string, string) {
	switch name {
	case "P-256":
		return "prime256v1", name
	case "P-384":
		return "secp384r1", name
	case "P-521":
		return "secp521r1", name
	}
	return name, ""
}

// writeSignature prints the trailing signature section.
func writeSignature(b *strings.Builder, alg x509.SignatureAlgorithm, sig []byte) {
	fmt.Fprintf(b, "    Signature Algorithm: %s\n", sigAlgName(alg))
	b.WriteString("    Signature Value:\n")
	writeHexBlock(b, sig, "        ", 18)
}

// writeHexBlock prints data as lower-case colon-separated hex, perLine bytes
// a line, each line but the last ending with a colon, as OpenSSL does.
func writeHexBlock(b *strings.Builder, data []byte, indent string, perLine int) {
	for i := 0; i < len(data); i += perLine {
		end := min(i+perLine, len(data))
		b.WriteString(indent)
		b.WriteString(hexColon(data[i:end], false))
		if end < len(data) {
			b.WriteByte(':')
		}
		b.WriteByte('\n')
	}
}

var (
	oidExtKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtSubjectKeyID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidExtAuthorityKeyID   = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidExtSubjectAltName   = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtCRLDistribution  = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidExtAuthorityInfo    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
)

// writeExtensions prints each extension at indent, its value four deeper.
func writeExtensions(b *strings.Builder, exts []pkix.Extension, indent int) {
	in := strings.Repeat(" ", indent)
	for _, e := range exts {
		name, lines := describeExtension(e)
		crit := ""
		if e.Critical {
			crit = " critical"
		}
		fmt.Fprintf(b, "%s%s:%s\n", in, name, crit)
		for _, l := range lines {
			fmt.Fprintf(b, "%s    %s\n", in, l)
		}
	}
}

// describeExtension returns OpenSSL's name for an extension and the lines
// of its value. Extensions it cannot decode are shown as OpenSSL shows them:
// their bytes, printable ASCII as is and everything else as a dot.
func describeExtension(e pkix.Extension) (string, []string) {
	dump := func(name string) (string, []string) {
		raw := bytes.Clone(e.Value)
		for i, c := range raw {
			if c < ' ' || c > '~' {
				raw[i] = '.'
			}
		}
		return name, []string{string(raw)}
	}
	switch {
	case e.Id.Equal(oidExtKeyUsage):
		var bits asn1.BitString
		if rest, err := asn1.Unmarshal(e.Value, &bits); err != nil || len(rest) > 0 {
			return dump("X509v3 Key Usage")
		}
		var names []string
		for i, n := range textKeyUsageNames {
			if bits.At(i) == 1 {
				names = append(names, n)
			}
		}
		return "X509v3 Key Usage", []string{strings.Join(names, ", ")}
	case e.Id.Equal(oidExtExtKeyUsage):
		var oids []asn1.ObjectIdentifier
		if rest, err := asn1.Unmarshal(e.Value, &oids); err != nil || len(rest) > 0 {
			return dump("X509v3 Extended Key Usage")
		}
		names := make([]string, len(oids))
		for i, o := range oids {
			names[i] = o.String()
			for _, k := range textExtKeyUsageNames {
				if k.oid.Equal(o) {
					names[i] = k.name
				}
			}
		}
		return "X509v3 Extended Key Usage", []string{strings.Join(names, ", ")}
	case e.Id.Equal(oidExtBasicConstraints):
		var bc struct {
			IsCA       bool `asn1:"optional"`
			MaxPathLen int  `asn1:"optional,default:-1"`
		}
		if rest, err := asn1.Unmarshal(e.Value, &bc); err != nil || len(rest) > 0 {
			return dump("X509v3 Basic Constraints")
		}
		v := "CA:FALSE"
		if bc.IsCA {
			v = "CA:TRUE"
		}
		if bc.MaxPathLen >= 0 {
			v += fmt.Sprintf(", pathlen:%d", bc.MaxPathLen)
		}
		return "X509v3 Basic Constraints", []string{v}
	case e.Id.Equal(oidExtSubjectKeyID):
		var id []byte
		if rest, err := asn1.Unmarshal(e.Value, &id); err != nil || len(rest) > 0 {
			return dump("X509v3 Subject Key Identifier")
		}
		return "X509v3 Subject Key Identifier", []string{hexColon(id, true)}
	case e.Id.Equal(oidExtAuthorityKeyID):
		var akid struct {
			ID []byte `asn1:"optional,tag:0"`
		}
		if _, err := asn1.Unmarshal(e.Value, &akid); err != nil || akid.ID == nil {
			return dump("X509v3 Authority Key Identifier")
		}
		return "X509v3 Authority Key Identifier", []string{hexColon(akid.ID, true)}
	case e.Id.Equal(oidExtSubjectAltName):
		names, err := generalNames(e.Value)
		if err != nil {
			return dump("X509v3 Subject Alternative Name")
		}
		return "X509v3 Subject Alternative Name", []string{strings.Join(names, ", ")}
	case e.Id.Equal(oidExtCRLDistribution):
		var dps []struct {
			Name asn1.RawValue `asn1:"optional,tag:0"`
		}
		if rest, err := asn1.Unmarshal(e.Value, &dps); err != nil || len(rest) > 0 {
			return dump("X509v3 CRL Distribution Points")
		}
		var lines []string
		for _, dp := range dps {
			// DistributionPointName [0] holds fullName [0] GeneralNames.
			var full asn1.RawValue
			if _, err := asn1.Unmarshal(dp.Name.Bytes, &full); err != nil || full.Tag != 0 {
				return dump("X509v3 CRL Distribution Points")
			}
			names, err := generalNamesContent(full.Bytes)
			if err != nil {
				return dump("X509v3 CRL Distribution Points")
			}
			lines = append(lines, "Full Name:")
			for _, n := range names {
				lines = append(lines, "  "+n)
			}
		}
		return "X509v3 CRL Distribution Points", lines
	case e.Id.Equal(oidExtAuthorityInfo):
		var ads []struct {
			Method   asn1.ObjectIdentifier
			Location asn1.RawValue
		}
		if rest, err := asn1.Unmarshal(e.Value, &ads); err != nil || len(rest) > 0 {
			return dump("Authority Information Access")
		}
		var lines []string
		for _, ad := range ads {
			names, err := generalNamesContent(ad.Location.FullBytes)
			if err != nil || len(names) != 1 {
				return dump("Authority Information Access")
			}
			method := ad.Method.String()
			switch method {
			case "1.3.6.1.5.5.7.48.1":
				method = "OCSP"
			case "1.3.6.1.5.5.7.48.2":
				method = "CA Issuers"
			}
			lines = append(lines, method+" - "+names[0])
		}
		return "Authority Information Access", lines
	}
	return dump(e.Id.String())
}

var textKeyUsageNames = []string{
	"Digital Signature", "Non Repudiation", "Key Encipherment", "Data Encipherment",
	"Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only",
}

var textExtKeyUsageNames = []struct {
	oid  asn1.ObjectIdentifier
	name string
}{
	{asn1.ObjectIdentifier{2, 5, 29, 37, 0}, "Any Extended Key Usage"},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}, "TLS Web Server Authentication"},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}, "TLS Web Client Authentication"},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}, "Code Signing"},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}, "E-mail Protection"},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}, "Time Stamping"},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}, "OCSP Signing"},
}

// generalNames decodes a DER GeneralNames SEQUENCE into openssl's display
// form, in encoding order.
func generalNames(der []byte) ([]string, error) {
	var seq asn1.RawValue
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil || len(rest) > 0 || seq.Tag != asn1.TagSequence {
		return nil, fmt.Errorf("malformed GeneralNames")
	}
	return generalNamesContent(seq.Bytes)
}

// generalNamesContent decodes a run of GeneralName values.
func generalNamesContent(data []byte) ([]string, error) {
	var out []string
	for len(data) > 0 {
		var gn asn1.RawValue
		var err error
		if data, err = asn1.Unmarshal(data, &gn); err != nil {
			return nil, err
		}
		if gn.Class != asn1.ClassContextSpecific {
			return nil, fmt.Errorf("malformed GeneralName")
		}
		switch gn.Tag {
		case 1:
			out = append(out, "email:"+string(gn.Bytes))
		case 2:
			out = append(out, "DNS:"+string(gn.Bytes))
		case 6:
			out = append(out, "URI:"+string(gn.Bytes))
		case 4:
			out = append(out, "DirName:"+subjectName(gn.Bytes))
		case 7:
			out = append(out, "IP Address:"+opensslIP(gn.Bytes))
		case 8:
			var oid asn1.ObjectIdentifier
			if _, err := asn1.UnmarshalWithParams(gn.FullBytes, &oid, "tag:8"); err != nil {
				return nil, err
			}
			out = append(out, "Registered ID:"+oid.String())
		default:
			out = append(out, "othername:<unsupported>")
		}
	}
	return out, nil
}

// opensslIP prints an iPAddress SAN as OpenSSL does: dotted IPv4, or eight
// upper-case hex groups for IPv6, without compression.
func opensslIP(b []byte) string {
	switch len(b) {
	case net.IPv4len:
		return net.IP(b).String()
	case net.IPv6len:
		groups := make([]string, 8)
		for i := range groups {
			groups[i] = fmt.Sprintf("%X", int(b[2*i])<<8|int(b[2*i+1]))
		}
		return strings.Join(groups, ":")
	}
	return "<invalid>"
}
