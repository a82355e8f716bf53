using QRCoder;

namespace SoulKg.Web.Features.Channels;

/// <summary>Renders a QR string on the server (QRCoder), so the browser gets a picture and never a QR library.</summary>
public static class QrImage
{
    public static string PngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.L);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
