package keyperm

// Target is one file to judge by the rule its Kind names: a key the server or
// libpq reads, or a certificate, CRL file or CRL directory the server reads.
// `pgcert perms` judges and fixes a list of them.
type Target struct {
	// Name is how messages name the file: as its setting spells it, or as given.
	Name    string
	Path    string
	Setting string
	// Kind is FileServerKey, FileClientKey, FileServerCert, FileRootCert, FileCRL,
	// FileCRLDir or FileCRLDirEntry.
	Kind string
}

// KeyTargets are the key files given on a command line, judged by the server's
// rule, or with client by libpq's.
func KeyTargets(files []string, client bool) []Target {
	kind := FileServerKey
	if client {
		kind = FileClientKey
	}
	var out []Target
	for _, f := range files {
		out = append(out, Target{Name: f, Path: f, Kind: kind})
	}
	return out
}

// publicKinds are the rules of the files that are not keys.
var publicKinds = map[string]Kind{
	FileServerCert:  ServerCert,
	FileRootCert:    RootCert,
	FileCRL:         CRLFile,
	FileCRLDir:      CRLDir,
	FileCRLDirEntry: CRLDirEntry,
}

// Stat reads the target's mode and owner, named as messages name it.
func (t Target) Stat() FileInfo { return Stat(t.Path).Named(t.Name) }

// Judge applies the target's rule to fi for the user id.
func (t Target) Judge(fi FileInfo, id Identity) Result {
	switch t.Kind {
	case FileClientKey:
		return JudgeClientKey(fi, id)
	case FileServerKey:
		return JudgeServerKey(fi, id)
	}
	return JudgePublicFile(publicKinds[t.Kind], fi, id)
}

// Plan plans the smallest change that makes the target pass for id, as actor
// would make it.
func (t Target) Plan(fi FileInfo, id, actor Identity) Fix {
	switch t.Kind {
	case FileClientKey:
		return PlanClientKeyFix(fi, id, actor)
	case FileServerKey:
		return PlanServerKeyFix(fi, id, actor)
	}
	return PlanPublicFileFix(publicKinds[t.Kind], fi, id, actor)
}

// Report is what a report on the target starts from (see Describe).
func (t Target) Report() FileReport {
	return FileReport{Name: t.Name, Path: t.Path, Setting: t.Setting, Kind: t.Kind}
}
