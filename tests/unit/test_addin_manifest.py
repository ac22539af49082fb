"""The add-in's XML manifest, checked with lxml against what Microsoft's manifest
reference requires (the schema's element order, the resource ids, the shared runtime).

No package on the registries this project can use ships the Office add-in manifest XSD
(searched: office-addin-manifest, office-addin-manifest-converter, office-addin-validator
on npm; nothing on PyPI), and files fetched from public repositories may not be committed
here. So the structure is checked element by element below, and the JavaScript tests
also parse it with Microsoft's own reader (office-addin-manifest)."""

from __future__ import annotations

import re
import uuid

import pytest
from lxml import etree

from xlreport.addin.manifest import addin_id, build_manifest, check_server_url
from xlreport.addin.metadata import NAMESPACE
from xlreport.errors import AddinError

NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
BASE = "https://xlreport.example.org:8443/team"  # synthetic team server

# The order of OfficeApp's children in the schema (a sequence; the optional ones left out
# where we do not use them): Id, Version, ProviderName, DefaultLocale, DisplayName,
# Description, IconUrl, HighResolutionIconUrl, SupportUrl, AppDomains, Hosts,
# Requirements, DefaultSettings, Permissions, VersionOverrides.
OFFICE_APP_ORDER = [
    "Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl",
    "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements",
    "DefaultSettings", "Permissions", "VersionOverrides",
]  # fmt: skip


@pytest.fixture(scope="module")
def root() -> etree._Element:
    return etree.fromstring(build_manifest(BASE + "/").encode("utf-8"))


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def test_top_level_follows_the_schema(root: etree._Element) -> None:
    assert root.tag == "{{{}}}OfficeApp".format(NS["o"])
    assert root.get(XSI_TYPE) == "TaskPaneApp"
    assert [_local(c) for c in root if isinstance(c.tag, str)] == OFFICE_APP_ORDER
    assert uuid.UUID(root.findtext("o:Id", namespaces=NS)) == uuid.UUID(addin_id(BASE))
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", root.findtext("o:Version", namespaces=NS))
    assert root.find("o:DisplayName", NS).get("DefaultValue") == "xlreport"
    assert len(root.find("o:Description", NS).get("DefaultValue")) <= 2000
    assert root.find("o:Hosts/o:Host", NS).get("Name") == "Workbook"
    assert root.findtext("o:Permissions", namespaces=NS) == "ReadWriteDocument"
    assert root.findtext("o:AppDomains/o:AppDomain", namespaces=NS) == (
        "https://xlreport.example.org:8443"
    )
    sets = {s.get("Name") for s in root.findall("o:Requirements/o:Sets/o:Set", NS)}
    assert {"SharedRuntime", "CustomFunctionsRuntime"} <= sets


def test_every_url_is_https_on_the_server(root: etree._Element) -> None:
    urls = [
        el.get("DefaultValue") for el in root.iter() if el.get("DefaultValue", "")[:4] == "http"
    ]
    assert len(urls) >= 10
    assert all(u.startswith(BASE + "/") for u in urls), urls


def test_shared_runtime_custom_functions_and_a_ribbon_button(root: etree._Element) -> None:
    vo = root.find("ov:VersionOverrides", NS)
    assert vo.get(XSI_TYPE) == "VersionOverridesV1_0"
    host = vo.find("ov:Hosts/ov:Host", NS)
    assert host.get(XSI_TYPE) == "Workbook"
    assert [_local(c) for c in host] == ["Runtimes", "AllFormFactors", "DesktopFormFactor"]
    runtime = host.find("ov:Runtimes/ov:Runtime", NS)
    assert runtime.get("lifetime") == "long"
    page = runtime.get("resid")
    cf = host.find("ov:AllFormFactors/ov:ExtensionPoint", NS)
    assert cf.get(XSI_TYPE) == "CustomFunctions"
    assert [_local(c) for c in cf] == ["Script", "Page", "Metadata", "Namespace"]
    assert cf.find("ov:Page/ov:SourceLocation", NS).get("resid") == page  # one runtime
    desktop = host.find("ov:DesktopFormFactor", NS)
    assert [_local(c) for c in desktop] == ["GetStarted", "FunctionFile", "ExtensionPoint"]
    surface = desktop.find("ov:ExtensionPoint", NS)
    assert surface.get(XSI_TYPE) == "PrimaryCommandSurface"
    button = surface.find("ov:OfficeTab/ov:Group/ov:Control", NS)
    assert button.get(XSI_TYPE) == "Button"
    action = button.find("ov:Action", NS)
    assert action.get(XSI_TYPE) == "ShowTaskpane"
    assert action.find("ov:SourceLocation", NS).get("resid") == page
    assert [_local(c) for c in button] == ["Label", "Supertip", "Icon", "Action"]


def test_every_resource_id_is_defined_once_and_short(root: etree._Element) -> None:
    resources = root.find("ov:VersionOverrides/ov:Resources", NS)
    assert [_local(c) for c in resources] == ["Images", "Urls", "ShortStrings", "LongStrings"]
    defined = [el.get("id") for el in resources.iter() if el.get("id")]
    assert len(defined) == len(set(defined))
    used = {el.get("resid") for el in root.iter() if el.get("resid")}
    assert used <= set(defined), used - set(defined)
    assert all(len(r) <= 32 for r in used)  # the schema's limit on resid
    strings = {
        el.get("id"): el.get("DefaultValue")
        for el in resources.iter("{{{}}}String".format(NS["bt"]))
    }
    assert strings["Functions.Namespace"] == NAMESPACE == "XLR"
    short = resources.findall("bt:ShortStrings/bt:String", NS)
    assert all(len(s.get("DefaultValue")) <= 125 for s in short)  # ShortString limit
    urls = {
        el.get("id"): el.get("DefaultValue") for el in resources.iter("{{{}}}Url".format(NS["bt"]))
    }
    assert urls["Functions.Metadata.Url"] == BASE + "/functions.json"
    assert urls["Functions.Script.Url"] == BASE + "/functions.js"
    assert urls["Taskpane.Url"] == BASE + "/taskpane.html"
    images = resources.findall("bt:Images/bt:Image", NS)
    assert {i.get("id") for i in images} >= {"Icon.16x16", "Icon.32x32", "Icon.80x80"}


def test_the_id_is_stable_per_server() -> None:
    assert addin_id(check_server_url("https://localhost:8443/")) == addin_id(
        check_server_url("https://localhost:8443")
    )
    assert addin_id("https://localhost:8443") != addin_id("https://localhost:9443")


@pytest.mark.parametrize(
    "url",
    ["http://localhost:8443", "localhost:8443", "https://", "https://h/?token=x",
     "https://user:pw@h/"],
)  # fmt: skip
def test_server_urls_must_be_plain_https(url: str) -> None:
    with pytest.raises(AddinError, match="must"):
        build_manifest(url)


def test_text_in_the_url_cannot_break_the_xml() -> None:
    xml = build_manifest('https://h/a"<b>&c')
    tree = etree.fromstring(xml.encode("utf-8"))  # still well-formed
    assert tree.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == (
        'https://h/a"<b>&c/taskpane.html'
    )
