package chain

import "github.com/pgcert/pgcert/pkg/pgdata"

// VerdictReport is the JSON form of a Verdict: the --json document of `pgcert verify`.
type VerdictReport struct {
	File     string        `json:"file"`
	Purpose  string        `json:"purpose"`
	OK       bool          `json:"ok"`
	Chain    []Element     `json:"chain"`
	Error    *VerdictError `json:"error"`
	CRLCheck bool          `json:"crl_check"`
	Hosts    []VerdictHost `json:"hosts"`
	// CertAuth is the verdict's Auth: `pgcert verify --user`'s prediction.
	CertAuth *pgdata.CertAuthCheck `json:"cert_auth,omitempty"`
}

// VerdictError is a verification failure in a VerdictReport: OpenSSL's error number,
// reason and depth, the certificate, what each peer prints, and the fix.
type VerdictError struct {
	Code      int    `json:"code"`
	Reason    string `json:"reason"`
	Depth     int    `json:"depth"`
	Subject   string `json:"subject"`
	File      string `json:"file"`
	CRLIssuer string `json:"crl_issuer,omitempty"`
	Client    string `json:"client_says"`
	Server    string `json:"server_says"`
	Fix       string `json:"fix"`
}

// VerdictHost is one host name in a VerdictReport, with libpq's refusal and the SAN
// names it compared.
type VerdictHost struct {
	Host    string   `json:"host"`
	OK      bool     `json:"ok"`
	Message string   `json:"message,omitempty"`
	Names   []string `json:"names,omitempty"`
	Fix     string   `json:"fix,omitempty"`
}

// Report is the JSON form of the verdict.
func (v *Verdict) Report() VerdictReport {
	r := VerdictReport{File: v.File, Purpose: v.Purpose.Name(), OK: v.OK(), CRLCheck: v.CRLCheck, Chain: []Element{}, Hosts: []VerdictHost{}, CertAuth: v.Auth}
	toRoot := v.Err == nil || v.Err.Reason.Anchored()
	for i, in := range v.Chain {
		role := RoleIntermediate
		switch {
		case i == 0:
			role = RoleLeaf
		case toRoot && i == len(v.Chain)-1:
			role = RoleRoot
		}
		r.Chain = append(r.Chain, Describe(in, role))
	}
	if e := v.Err; e != nil {
		client, server := PeerWords(v.Purpose, e.Reason)
		r.Error = &VerdictError{
			Code: int(e.Reason), Reason: e.Reason.String(), Depth: e.Depth,
			Subject: Subject(e.Cert.Cert), File: e.Cert.File, CRLIssuer: e.CRLIssuer,
			Client: client, Server: server, Fix: e.Fix(v.Purpose),
		}
	}
	for _, h := range v.Hosts {
		hj := VerdictHost{Host: h.Host, OK: h.Err == nil}
		if h.Err != nil {
			hj.Message, hj.Names, hj.Fix = h.Err.Message, h.Err.Names, h.Fix()
		}
		r.Hosts = append(r.Hosts, hj)
	}
	return r
}
