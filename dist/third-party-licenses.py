#!/usr/bin/env python3
"""Writes server/src/dist/THIRD-PARTY.txt: every third-party jar of the distribution's lib/ with its licence,
read from the artifact's pom (or its parents') in the local Maven repository.

Run after `mvn -B -pl server -am package -DskipTests` whenever dependencies change;
DistributionTarballTest fails while a jar of lib/ is missing from the list.
"""
import os
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "server" / "target" / "lib"
OUT = ROOT / "server" / "src" / "dist" / "THIRD-PARTY.txt"
REPO = Path(os.environ.get("M2_REPO", Path.home() / ".m2" / "repository"))
NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def text(node, path):
    found = node.find(path, NS)
    if found is None:
        found = node.find(path.replace("m:", ""))
    return found.text.strip() if found is not None and found.text else None


def pom_licences(pom, depth=0):
    root = ET.parse(pom).getroot()
    licences = []
    for lic in list(root.iterfind("m:licenses/m:license", NS)) + list(root.iterfind("licenses/license")):
        name = text(lic, "m:name")
        url = text(lic, "m:url")
        licences.append(name + (f" <{url}>" if url else "") if name else url)
    if licences or depth > 8:
        return licences, root
    parent = root.find("m:parent", NS) or root.find("parent")
    if parent is None:
        return [], root
    g, a, v = text(parent, "m:groupId"), text(parent, "m:artifactId"), text(parent, "m:version")
    ppom = REPO / g.replace(".", "/") / a / v / f"{a}-{v}.pom"
    if not ppom.exists():
        return [], root
    return pom_licences(ppom, depth + 1)[0], root


def jar_licence(jar):
    """The title of the jar's own META-INF/LICENSE, for poms that declare none (and whose parents are absent)."""
    with zipfile.ZipFile(jar) as z:
        for name in z.namelist():
            if name.upper().startswith("META-INF/LICENSE"):
                head = [l.strip() for l in z.read(name).decode("utf-8", "replace").splitlines() if l.strip()][:2]
                return [" ".join(head) + f" (from the jar's {name})"]
    return []


def main():
    jars = sorted(p.name for p in LIB.glob("*.jar") if not p.name.startswith("ferrymq-"))
    if not jars:
        sys.exit(f"no jars in {LIB}: build the distribution first")
    index = {}
    for dirpath, _, files in os.walk(REPO):
        for f in files:
            if f.endswith(".jar") and f in jars:
                index.setdefault(f, Path(dirpath))
    lines = ["Third-party software in lib/ and its licences (from each artifact's Maven pom).",
             "FerryMQ itself: see LICENSE. Each jar carries its own licence and notice files under META-INF/.", ""]
    for jar in jars:
        d = index.get(jar)
        if d is None:
            sys.exit(f"{jar} is not in {REPO}")
        version = d.name
        artifact = d.parent.name
        group = str(d.parent.parent.relative_to(REPO)).replace(os.sep, ".")
        licences, root = pom_licences(d / f"{artifact}-{version}.pom")
        if not licences:
            licences = jar_licence(LIB / jar)
        name = text(root, "m:name") or artifact
        lines.append(f"{jar}")
        lines.append(f"    {group}:{artifact}:{version} ({name})")
        lines.append("    licence: " + ("; ".join(licences) if licences else "not declared in its pom"))
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(jars)} jars)")


if __name__ == "__main__":
    main()
