package doctor

import (
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// settingKinds are the rules keyperm judges each SSL setting's file by.
var settingKinds = map[string]string{
	"ssl_key_file":  keyperm.FileServerKey,
	"ssl_cert_file": keyperm.FileServerCert,
	"ssl_ca_file":   keyperm.FileRootCert,
	"ssl_crl_file":  keyperm.FileCRL,
	"ssl_crl_dir":   keyperm.FileCRLDir,
}

// PermTargets lists the files of s whose mode and owner the server cares about:
// every file the SSL settings name, in the order the server loads them, with the
// hashed CRL files of ssl_crl_dir (the only ones OpenSSL reads there), each with the
// rule keyperm judges it by.
func PermTargets(s *pgdata.Setup) []keyperm.Target {
	var out []keyperm.Target
	for _, sf := range s.Files() {
		out = append(out, keyperm.Target{Name: sf.Value, Path: sf.Path, Setting: sf.Setting, Kind: settingKinds[sf.Setting]})
		if sf.Setting != "ssl_crl_dir" {
			continue
		}
		for _, p := range pgdata.CRLDirEntries(sf.Path) {
			if crl.IsDirName(filepath.Base(p)) {
				out = append(out, keyperm.Target{Name: filepath.Join(sf.Value, filepath.Base(p)), Path: p,
					Setting: sf.Setting, Kind: keyperm.FileCRLDirEntry})
			}
		}
	}
	return out
}
