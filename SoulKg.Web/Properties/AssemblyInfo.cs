using System.Resources;

[assembly: NeutralResourcesLanguage("ru")]
