"""Opens USDZ packages with Pixar's USD (PyPI `usd-core`, module `pxr`) and checks them as
AR Quick Look would need them.

Usage: python3 check_usdz.py FILE.usdz...   (run by tests/usdz/pxr.rs)

For each file it prints one JSON line: what the composed stage holds (meshes, materials,
points, faces, the variants of `materialVariant` and the default selection), problems found
by opening it (`problems`: every mesh must be bound to a real material in every variant), and
the verdict of `UsdUtils.ComplianceChecker(arkit=True)`: `errors`, `failed` (failed checks)
and `warnings`.

The usd-core wheel ships without the shader definitions of UsdPreviewSurface and friends
(OpenUSD issue #3983), so its Sdr registry cannot check shader input types, and the checker's
ShaderPropertyTypeConformanceChecker fails every shader with "has invalid shader node". When
that is so, those messages are dropped and the same check is made against the types of the
UsdPreviewSurface specification, listed below (`SPEC_TYPES`).
Exit status: 0 when every file was checked (whatever the findings), 2 on a usage error.
"""

import json
import sys

from pxr import Sdr, Tf, Usd, UsdGeom, UsdShade, UsdUtils

# Input types of the UsdPreviewSurface specification (openusd.org, "UsdPreviewSurface
# Specification", version 2.5).
SPEC_TYPES = {
    "UsdPreviewSurface": {
        "diffuseColor": "color3f", "emissiveColor": "color3f", "useSpecularWorkflow": "int",
        "specularColor": "color3f", "metallic": "float", "roughness": "float",
        "clearcoat": "float", "clearcoatRoughness": "float", "opacity": "float",
        "opacityMode": "token", "opacityThreshold": "float", "ior": "float",
        "normal": "normal3f", "displacement": "float", "occlusion": "float",
    },
    "UsdUVTexture": {
        "file": "asset", "st": "float2", "wrapS": "token", "wrapT": "token",
        "fallback": "float4", "scale": "float4", "bias": "float4",
        "sourceColorSpace": "token",
    },
    "UsdPrimvarReader_float2": {"varname": "string", "fallback": "float2"},
}


def shader_types_problems(stage):
    problems = []
    for prim in stage.Traverse():
        if not prim.IsA(UsdShade.Shader):
            continue
        shader = UsdShade.Shader(prim)
        spec = SPEC_TYPES.get(shader.GetShaderId())
        if spec is None:
            problems.append("%s: unknown shader %s" % (prim.GetPath(), shader.GetShaderId()))
            continue
        for shader_input in shader.GetInputs():
            name = shader_input.GetBaseName()
            got = str(shader_input.GetTypeName())
            if name not in spec:
                problems.append("%s: unknown input %s" % (prim.GetPath(), name))
            elif got != spec[name]:
                problems.append("%s.inputs:%s is %s, not %s" % (prim.GetPath(), name, got, spec[name]))
    return problems


def describe(stage, problems):
    root = stage.GetDefaultPrim()
    if not root:
        problems.append("no defaultPrim")
        return {}
    if UsdGeom.GetStageUpAxis(stage) != "Y":
        problems.append("upAxis is not Y")
    if UsdGeom.GetStageMetersPerUnit(stage) != 1.0:
        problems.append("metersPerUnit is not 1")
    variant_set = root.GetVariantSets().GetVariantSet("materialVariant")
    variants = list(variant_set.GetVariantNames()) if variant_set.IsValid() else []
    selection = variant_set.GetVariantSelection() if variants else None
    # Every mesh must be bound to a real material in every look.
    for variant in variants or [None]:
        if variant is not None:
            variant_set.SetVariantSelection(variant)
        for prim in stage.Traverse():
            if prim.IsA(UsdGeom.Mesh):
                material, _ = UsdShade.MaterialBindingAPI(prim).ComputeBoundMaterial()
                if not material:
                    problems.append("%s has no material in variant %s" % (prim.GetPath(), variant))
    if variants:
        variant_set.SetVariantSelection(selection)
    meshes = [UsdGeom.Mesh(p) for p in stage.Traverse() if p.IsA(UsdGeom.Mesh)]
    materials = [p for p in stage.Traverse() if p.IsA(UsdShade.Material)]
    count = lambda attr: len(attr.Get() or [])
    return {
        "meshes": len(meshes),
        "materials": len(materials),
        "points": sum(count(m.GetPointsAttr()) for m in meshes),
        "faces": sum(count(m.GetFaceVertexCountsAttr()) for m in meshes),
        "variants": variants,
        "selection": selection,
    }


def shader_definitions_present():
    """Whether Sdr knows UsdPreviewSurface. The first look-up runs shader discovery, which
    reports the missing definitions as a coding error, raised here when discovery happens on
    this thread; later look-ups (the checker's) then answer quietly."""
    try:
        return Sdr.Registry().GetShaderNodeByIdentifier("UsdPreviewSurface") is not None
    except Tf.ErrorException:
        return Sdr.Registry().GetShaderNodeByIdentifier("UsdPreviewSurface") is not None


def compliance(path):
    shader_definitions_present()  # discovery first, outside the checker (see there)
    checker = UsdUtils.ComplianceChecker(arkit=True, skipVariants=False)
    checker.CheckCompliance(path)
    failed = checker.GetFailedChecks()
    no_shader_defs = not shader_definitions_present()
    if no_shader_defs:
        failed = [f for f in failed if "has invalid shader node" not in f]
    return checker.GetErrors(), failed, checker.GetWarnings(), no_shader_defs


def check(path):
    problems = []
    stage = Usd.Stage.Open(path)
    if not stage:
        return {"file": path, "problems": ["Usd.Stage.Open failed"]}
    report = describe(stage, problems)
    errors, failed, warnings, no_shader_defs = compliance(path)
    if no_shader_defs:
        failed += shader_types_problems(stage)
    report.update(
        file=path, problems=problems, errors=errors, failed=failed, warnings=warnings,
        shader_types_checked_against="specification" if no_shader_defs else "Sdr registry",
        usd_version=".".join(map(str, Usd.GetVersion())),
    )
    return report


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    if not hasattr(UsdUtils, "ComplianceChecker"):
        print(json.dumps({"fatal": "this usd-core has no UsdUtils.ComplianceChecker "
                          "(removed in 26.x): install usd-core==25.11"}))
        return 0
    for path in paths:
        print(json.dumps(check(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
