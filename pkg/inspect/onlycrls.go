package inspect

import "github.com/pgcert/pgcert/pkg/hint"

// OnlyCRLs keeps the CRLs among the objects of the file at path, and refuses a
// file without one, for pgcert crl show; its hint names the command that
// describes everything else.
func OnlyCRLs(path string, objs []*Object) ([]*Object, error) {
	var crls []*Object
	for _, o := range objs {
		if o.CRL != nil {
			crls = append(crls, o)
		}
	}
	if len(crls) == 0 {
		return nil, hint.Errorf([]string{"pgcert show describes certificates, requests and keys"}, "%s holds no CRL", path)
	}
	return crls, nil
}
