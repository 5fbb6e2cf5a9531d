# The registry this project installs from has no metadata for msgpackr-extract's macOS, Windows and
# 32-bit ARM builds, so npm writes a lockfile without them and `npm ci` then refuses it as out of
# sync. This adds those entries (optional, for their os/cpu only: never fetched here). Run it after
# any `npm install` that rewrites package-lock.json: python3 scripts/lock-platform-entries.py package-lock.json
import json, sys
p = sys.argv[1]
lock = json.load(open(p))
pk = lock['packages']
added = []
plat = {'darwin-arm64': (['darwin'], ['arm64']), 'darwin-x64': (['darwin'], ['x64']), 'linux-arm': (['linux'], ['arm']), 'linux-arm64': (['linux'], ['arm64']), 'linux-x64': (['linux'], ['x64']), 'win32-x64': (['win32'], ['x64'])}
for key, entry in list(pk.items()):
    for dep, ver in (entry.get('optionalDependencies') or {}).items():
        base = key.rsplit('node_modules/', 1)[0] if 'node_modules/' in key else ''
        target = 'node_modules/' + dep
        if target in pk or (base + 'node_modules/' + dep) in pk:
            continue
        suffix = dep.split('msgpackr-extract-')[-1]
        if dep.startswith('@msgpackr-extract/') and suffix in plat:
            os_, cpu = plat[suffix]
            pk[target] = {'version': ver, 'cpu': cpu, 'license': 'MIT', 'optional': True, 'os': os_}
            added.append(target)
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(p, 'w'), indent=2)
open(p, 'a').write('\n')
print('added', added)
