"""The add-in's XML manifest: what Excel sideloads or a team's add-in catalog lists.

One manifest per server address (``xlreport addin manifest --url https://host:8443``). It
declares, in Microsoft's add-in manifest schema 1.1 with the task-pane VersionOverrides
1.0:

* custom functions (``functions.js``, ``functions.json``, namespace ``XLR``) running in a
  **shared runtime** (``taskpane.html``, lifetime ``long``), so the functions and the task
  pane share one page, one token and one connection;
* a ribbon button on the Home tab that opens the task pane (the report button).

The add-in's id is derived from the URL (UUID 5), so writing the manifest again for the
same server replaces the add-in rather than adding a second one.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from xlreport import __version__
from xlreport.addin.metadata import NAMESPACE
from xlreport.errors import AddinError

__all__ = ["ICON_SIZES", "addin_id", "build_manifest", "check_server_url"]

ICON_SIZES = (16, 32, 64, 80)


def check_server_url(url: str) -> str:
    """The server's base URL, ``https://host[:port][/path]`` without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise AddinError(
            f"the add-in URL {url!r} must start with https:// and name a host "
            "(Office loads add-ins over HTTPS only), e.g. https://localhost:8443"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise AddinError(f"the add-in URL {url!r} must not have a query, fragment or login")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}"


def addin_id(base_url: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, base_url))


def _version() -> str:
    numbers = [int(n) for n in re.findall(r"\d+", __version__)[:4]]
    return ".".join(str(n) for n in [*numbers, 0, 0, 0, 0][:4])


def build_manifest(url: str) -> str:
    """The manifest XML for the add-in server at ``url``."""
    base = check_server_url(url)
    origin = "https://" + urlsplit(base).netloc

    def at(path: str) -> str:
        return quoteattr(f"{base}/{path}")

    description = quoteattr(
        "Industrial-plan targets in Excel: the XLR functions and the monthly report, "
        f"from the xlreport server at {base}."
    )
    started = quoteattr(
        "Type =XLR. in a cell for the functions; Home > Monthly report for the report."
    )
    tooltip = quoteattr(
        "The xlreport pane: the server in use, its data vintage, the monthly report."
    )
    images = "\n".join(
        f'        <bt:Image id="Icon.{n}x{n}" DefaultValue={at(f"assets/icon-{n}.png")}/>'
        for n in ICON_SIZES
    )
    icon_refs = "\n".join(
        f'                  <bt:Image size="{n}" resid="Icon.{n}x{n}"/>' for n in (16, 32, 80)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides"
           xsi:type="TaskPaneApp">
  <Id>{addin_id(base)}</Id>
  <Version>{_version()}</Version>
  <ProviderName>xlreport developers</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="xlreport"/>
  <Description DefaultValue={description}/>
  <IconUrl DefaultValue={at("assets/icon-32.png")}/>
  <HighResolutionIconUrl DefaultValue={at("assets/icon-64.png")}/>
  <SupportUrl DefaultValue={at("help.html")}/>
  <AppDomains>
    <AppDomain>{escape(origin)}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="SharedRuntime" MinVersion="1.1"/>
      <Set Name="CustomFunctionsRuntime" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue={at("taskpane.html")}/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides"
                    xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <Runtimes>
          <Runtime resid="Taskpane.Url" lifetime="long"/>
        </Runtimes>
        <AllFormFactors>
          <ExtensionPoint xsi:type="CustomFunctions">
            <Script>
              <SourceLocation resid="Functions.Script.Url"/>
            </Script>
            <Page>
              <SourceLocation resid="Taskpane.Url"/>
            </Page>
            <Metadata>
              <SourceLocation resid="Functions.Metadata.Url"/>
            </Metadata>
            <Namespace resid="Functions.Namespace"/>
          </ExtensionPoint>
        </AllFormFactors>
        <DesktopFormFactor>
          <GetStarted>
            <Title resid="GetStarted.Title"/>
            <Description resid="GetStarted.Description"/>
            <LearnMoreUrl resid="GetStarted.LearnMoreUrl"/>
          </GetStarted>
          <FunctionFile resid="Taskpane.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <OfficeTab id="TabHome">
              <Group id="Xlreport.Group">
                <Label resid="Group.Label"/>
                <Icon>
{icon_refs}
                </Icon>
                <Control xsi:type="Button" id="Xlreport.ReportButton">
                  <Label resid="ReportButton.Label"/>
                  <Supertip>
                    <Title resid="ReportButton.Label"/>
                    <Description resid="ReportButton.Tooltip"/>
                  </Supertip>
                  <Icon>
{icon_refs}
                  </Icon>
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>Xlreport.Taskpane</TaskpaneId>
                    <SourceLocation resid="Taskpane.Url"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
{images}
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Functions.Script.Url" DefaultValue={at("functions.js")}/>
        <bt:Url id="Functions.Metadata.Url" DefaultValue={at("functions.json")}/>
        <bt:Url id="Taskpane.Url" DefaultValue={at("taskpane.html")}/>
        <bt:Url id="GetStarted.LearnMoreUrl" DefaultValue={at("help.html")}/>
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Functions.Namespace" DefaultValue="{NAMESPACE}"/>
        <bt:String id="GetStarted.Title" DefaultValue="xlreport is ready"/>
        <bt:String id="Group.Label" DefaultValue="xlreport"/>
        <bt:String id="ReportButton.Label" DefaultValue="Monthly report"/>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="GetStarted.Description" DefaultValue={started}/>
        <bt:String id="ReportButton.Tooltip" DefaultValue={tooltip}/>
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""
