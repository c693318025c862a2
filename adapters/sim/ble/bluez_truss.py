'''python-dbusmock template: BlueZ 5 as the Truss BLE adapter sees it.

Extends the stock `bluez5` template with what the stock one lacks (0.28.7):
- signals in the introspection XML (PropertiesChanged, InterfacesAdded/Removed), without which
  dbus-next proxies (node-ble) never deliver events;
- BlueZ's real property types for advertisement data (a{qv}, a{sv}, ay, a{yv});
- one call that sets RSSI + ServiceData + ManufacturerData and emits a single PropertiesChanged,
  as bluetoothd does for each advertisement with DuplicateData on;
- GATT services and characteristics (read, write, notify) and a reachability switch so a device
  can drop its connection and refuse reconnects.
'''

from pathlib import Path
from xml.etree import ElementTree

import dbus

from dbusmock import OBJECT_MANAGER_IFACE, mockobject
from dbusmock.templates.bluez5 import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from dbusmock.templates import bluez5

BUS_NAME = 'org.bluez'
MAIN_OBJ = '/'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True

MOCK_IFACE = 'org.bluez.Mock'
DEVICE_IFACE = 'org.bluez.Device1'
SERVICE_IFACE = 'org.bluez.GattService1'
CHAR_IFACE = 'org.bluez.GattCharacteristic1'
PROPS_IFACE = 'org.freedesktop.DBus.Properties'

SIGNALS = {
    PROPS_IFACE: '<signal name="PropertiesChanged"><arg type="s"/><arg type="a{sv}"/><arg type="as"/></signal>',
    OBJECT_MANAGER_IFACE: '<signal name="InterfacesAdded"><arg type="o"/><arg type="a{sa{sv}}"/></signal>'
    '<signal name="InterfacesRemoved"><arg type="o"/><arg type="as"/></signal>',
}


def _patch_introspection():
    '''Add the signals dbusmock emits but never declares.'''
    cls = mockobject.DBusMockObject
    if getattr(cls, '_truss_patched', False):
        return
    original = cls.Introspect

    def introspect(self, object_path, connection):
        tree = ElementTree.fromstring(original(self, object_path, connection))
        for iface_name, xml in SIGNALS.items():
            iface = tree.find(f".//interface[@name='{iface_name}']")
            if iface is None:
                iface = ElementTree.Element('interface', {'name': iface_name})
                tree.append(iface)
            for sig in ElementTree.fromstring(f'<x>{xml}</x>'):
                iface.append(sig)
        return ElementTree.tostring(tree, encoding='utf8', method='xml').decode('utf8')

    # keep dbus-python's method metadata so the override is still exported
    for attr in dir(original):
        if attr.startswith('_dbus'):
            setattr(introspect, attr, getattr(original, attr))
    cls.Introspect = introspect
    cls._truss_patched = True


def load(mock, parameters):
    _patch_introspection()
    bluez5.load(mock, parameters)


def _changed(obj, iface, props):
    obj.EmitSignal(PROPS_IFACE, 'PropertiesChanged', 'sa{sv}as',
                   [iface, dbus.Dictionary(props, signature='sv'), dbus.Array([], signature='s')])


def _device(path):
    if path not in mockobject.objects:
        raise dbus.exceptions.DBusException(f'No device {path}', name='org.bluez.Error.DoesNotExist')
    return mockobject.objects[path]


@dbus.service.method(DEVICE_IFACE, in_signature='', out_signature='')
def Connect(device):
    if not getattr(device, 'reachable', True):
        raise dbus.exceptions.DBusException('Page Timeout', name='org.bluez.Error.Failed')
    if device.connected:
        raise dbus.exceptions.DBusException('Already Connected', name='org.bluez.Error.AlreadyConnected')
    device.connected = True
    device.props[DEVICE_IFACE]['Connected'] = dbus.Boolean(True, variant_level=1)
    device.props[DEVICE_IFACE]['ServicesResolved'] = dbus.Boolean(True, variant_level=1)
    _changed(device, DEVICE_IFACE, {'Connected': dbus.Boolean(True, variant_level=1)})
    _changed(device, DEVICE_IFACE, {'ServicesResolved': dbus.Boolean(True, variant_level=1)})


def _drop(device):
    device.connected = False
    device.props[DEVICE_IFACE]['Connected'] = dbus.Boolean(False, variant_level=1)
    device.props[DEVICE_IFACE]['ServicesResolved'] = dbus.Boolean(False, variant_level=1)
    _changed(device, DEVICE_IFACE, {'ServicesResolved': dbus.Boolean(False, variant_level=1),
                                    'Connected': dbus.Boolean(False, variant_level=1)})


@dbus.service.method(DEVICE_IFACE, in_signature='', out_signature='')
def Disconnect(device):
    if not device.connected:
        raise dbus.exceptions.DBusException('Not Connected', name='org.bluez.Error.NotConnected')
    _drop(device)


@dbus.service.method(MOCK_IFACE, in_signature='sss', out_signature='s')
def AddDevice(self, adapter_device_name, device_address, alias):
    '''Like bluez5's AddDevice, with BlueZ's real types for the advertisement properties.'''
    adapter_path = '/org/bluez/' + adapter_device_name
    path = adapter_path + '/dev_' + device_address.replace(':', '_').upper()
    if adapter_path not in mockobject.objects:
        raise dbus.exceptions.DBusException(f'Adapter {adapter_device_name} does not exist.',
                                            name=MOCK_IFACE + '.NoSuchAdapter')
    properties = {
        'Address': dbus.String(device_address, variant_level=1),
        'AddressType': dbus.String('public', variant_level=1),
        'Name': dbus.String(alias, variant_level=1),
        'Alias': dbus.String(alias, variant_level=1),
        'Icon': dbus.String('', variant_level=1),
        'Class': dbus.UInt32(0, variant_level=1),
        'Appearance': dbus.UInt16(0, variant_level=1),
        'UUIDs': dbus.Array([], signature='s', variant_level=1),
        'Paired': dbus.Boolean(False, variant_level=1),
        'Connected': dbus.Boolean(False, variant_level=1),
        'Trusted': dbus.Boolean(False, variant_level=1),
        'Blocked': dbus.Boolean(False, variant_level=1),
        'WakeAllowed': dbus.Boolean(False, variant_level=1),
        'Adapter': dbus.ObjectPath(adapter_path, variant_level=1),
        'LegacyPairing': dbus.Boolean(False, variant_level=1),
        'Modalias': dbus.String('', variant_level=1),
        'RSSI': dbus.Int16(-127, variant_level=1),
        'TxPower': dbus.Int16(0, variant_level=1),
        'ManufacturerData': dbus.Dictionary({}, signature='qv', variant_level=1),
        'ServiceData': dbus.Dictionary({}, signature='sv', variant_level=1),
        'ServicesResolved': dbus.Boolean(False, variant_level=1),
        'AdvertisingFlags': dbus.ByteArray(b'\x06', variant_level=1),
        'AdvertisingData': dbus.Dictionary({}, signature='yv', variant_level=1),
    }
    self.AddObject(path, DEVICE_IFACE, properties, [
        ('CancelPairing', '', '', ''),
        ('Connect', '', '', Connect),
        ('ConnectProfile', 's', '', ''),
        ('Disconnect', '', '', Disconnect),
        ('DisconnectProfile', 's', '', ''),
        ('Pair', '', '', bluez5.Pair),
    ])
    device = mockobject.objects[path]
    device.paired = False
    device.connected = False
    device.reachable = True
    mockobject.objects['/'].EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}',
                                       [dbus.ObjectPath(path), {DEVICE_IFACE: properties}])
    return path


@dbus.service.method(MOCK_IFACE, in_signature='sna{say}a{say}', out_signature='')
def Advertise(self, device_path, rssi, service_data, manufacturer_data):
    '''One received advertisement: RSSI, ServiceData (uuid -> bytes) and ManufacturerData
    (company id as a decimal string -> bytes, because dbus-next cannot send a{q...}).'''
    device = _device(device_path)
    changed = {'RSSI': dbus.Int16(rssi, variant_level=1)}
    if len(service_data) > 0:
        changed['ServiceData'] = dbus.Dictionary(
            {str(k): dbus.ByteArray(bytes(v), variant_level=1) for k, v in service_data.items()},
            signature='sv', variant_level=1)
    if len(manufacturer_data) > 0:
        changed['ManufacturerData'] = dbus.Dictionary(
            {dbus.UInt16(int(k)): dbus.ByteArray(bytes(v), variant_level=1)
             for k, v in manufacturer_data.items()},
            signature='qv', variant_level=1)
    device.props[DEVICE_IFACE].update(changed)
    _changed(device, DEVICE_IFACE, changed)


@dbus.service.method(MOCK_IFACE, in_signature='sb', out_signature='')
def SetReachable(self, device_path, reachable):
    '''An unreachable device drops its connection and refuses Connect until reachable again.'''
    device = _device(device_path)
    device.reachable = bool(reachable)
    if not reachable and device.connected:
        _drop(device)


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='s')
def AddGattService(self, device_path, uuid):
    device = _device(device_path)
    device.gatt_services = getattr(device, 'gatt_services', 0) + 1
    path = f'{device_path}/service{device.gatt_services:04x}'
    props = {
        'UUID': dbus.String(uuid, variant_level=1),
        'Device': dbus.ObjectPath(device_path, variant_level=1),
        'Primary': dbus.Boolean(True, variant_level=1),
        'Includes': dbus.Array([], signature='o', variant_level=1),
    }
    self.AddObject(path, SERVICE_IFACE, props, [])
    mockobject.objects[path].gatt_chars = 0
    mockobject.objects['/'].EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}',
                                       [dbus.ObjectPath(path), {SERVICE_IFACE: props}])
    return path


def _char_device(char):
    return mockobject.objects[str(Path(char.path).parent.parent)]


@dbus.service.method(CHAR_IFACE, in_signature='a{sv}', out_signature='ay')
def ReadValue(char, options):
    if not _char_device(char).connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.Failed')
    offset = int(options.get('offset', 0))
    return dbus.ByteArray(bytes(char.props[CHAR_IFACE]['Value'])[offset:])


@dbus.service.method(CHAR_IFACE, in_signature='aya{sv}', out_signature='')
def WriteValue(char, value, _options):
    if not _char_device(char).connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.Failed')
    flags = [str(f) for f in char.props[CHAR_IFACE]['Flags']]
    if 'write' not in flags and 'write-without-response' not in flags:
        raise dbus.exceptions.DBusException('Write not permitted', name='org.bluez.Error.NotPermitted')
    char.props[CHAR_IFACE]['Value'] = dbus.ByteArray(bytes(value), variant_level=1)
    char.writes = getattr(char, 'writes', []) + [bytes(value)]


@dbus.service.method(CHAR_IFACE, in_signature='', out_signature='')
def StartNotify(char):
    if not _char_device(char).connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.Failed')
    char.props[CHAR_IFACE]['Notifying'] = dbus.Boolean(True, variant_level=1)
    _changed(char, CHAR_IFACE, {'Notifying': dbus.Boolean(True, variant_level=1)})


@dbus.service.method(CHAR_IFACE, in_signature='', out_signature='')
def StopNotify(char):
    char.props[CHAR_IFACE]['Notifying'] = dbus.Boolean(False, variant_level=1)
    _changed(char, CHAR_IFACE, {'Notifying': dbus.Boolean(False, variant_level=1)})


@dbus.service.method(MOCK_IFACE, in_signature='ssasay', out_signature='s')
def AddGattCharacteristic(self, service_path, uuid, flags, value):
    service = mockobject.objects[service_path]
    service.gatt_chars += 1
    path = f'{service_path}/char{service.gatt_chars:04x}'
    props = {
        'UUID': dbus.String(uuid, variant_level=1),
        'Service': dbus.ObjectPath(service_path, variant_level=1),
        'Value': dbus.ByteArray(bytes(value), variant_level=1),
        'Notifying': dbus.Boolean(False, variant_level=1),
        'Flags': dbus.Array([str(f) for f in flags], signature='s', variant_level=1),
    }
    self.AddObject(path, CHAR_IFACE, props, [
        ('ReadValue', 'a{sv}', 'ay', ReadValue),
        ('WriteValue', 'aya{sv}', '', WriteValue),
        ('StartNotify', '', '', StartNotify),
        ('StopNotify', '', '', StopNotify),
    ])
    mockobject.objects['/'].EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}',
                                       [dbus.ObjectPath(path), {CHAR_IFACE: props}])
    return path


@dbus.service.method(MOCK_IFACE, in_signature='say', out_signature='')
def SetCharacteristicValue(self, char_path, value):
    '''The peripheral changes a value: notifies when the client subscribed.'''
    char = mockobject.objects[char_path]
    char.props[CHAR_IFACE]['Value'] = dbus.ByteArray(bytes(value), variant_level=1)
    if char.props[CHAR_IFACE]['Notifying']:
        _changed(char, CHAR_IFACE, {'Value': dbus.ByteArray(bytes(value), variant_level=1)})


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='aay')
def CharacteristicWrites(self, char_path):
    return [dbus.ByteArray(w) for w in getattr(mockobject.objects[char_path], 'writes', [])]


@dbus.service.method(MOCK_IFACE, in_signature='sb', out_signature='')
def SetPowered(self, adapter_name, powered):
    adapter = mockobject.objects['/org/bluez/' + adapter_name]
    adapter.props['org.bluez.Adapter1']['Powered'] = dbus.Boolean(powered, variant_level=1)
    _changed(adapter, 'org.bluez.Adapter1', {'Powered': dbus.Boolean(powered, variant_level=1)})


@dbus.service.method(MOCK_IFACE, in_signature='snsaay', out_signature='')
def AdvertiseMany(self, device_path, rssi, uuid, payloads):
    '''A burst of advertisements under one service UUID, one PropertiesChanged each (benchmarks).'''
    device = _device(device_path)
    for payload in payloads:
        changed = {
            'RSSI': dbus.Int16(rssi, variant_level=1),
            'ServiceData': dbus.Dictionary({str(uuid): dbus.ByteArray(bytes(payload), variant_level=1)},
                                           signature='sv', variant_level=1),
        }
        device.props[DEVICE_IFACE].update(changed)
        _changed(device, DEVICE_IFACE, changed)


MONITOR_MANAGER_IFACE = 'org.bluez.AdvertisementMonitorManager1'


def RegisterMonitor(adapter, root):
    adapter.monitor_roots = getattr(adapter, 'monitor_roots', []) + [str(root)]


def UnregisterMonitor(adapter, root):
    adapter.monitor_roots = [r for r in getattr(adapter, 'monitor_roots', []) if r != str(root)]


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='s')
def AddAdapter(self, device_name, system_name):
    '''bluez5's adapter plus AdvertisementMonitorManager1 (passive scanning), which 0.28 lacks.'''
    path = bluez5.AddAdapter(self, device_name, system_name)
    adapter = mockobject.objects[path]
    adapter.AddProperties(MONITOR_MANAGER_IFACE, {
        'SupportedMonitorTypes': dbus.Array(['or_patterns'], signature='s', variant_level=1),
        'SupportedFeatures': dbus.Array([], signature='s', variant_level=1),
    })
    adapter.AddMethods(MONITOR_MANAGER_IFACE, [
        ('RegisterMonitor', 'o', '', RegisterMonitor),
        ('UnregisterMonitor', 'o', '', UnregisterMonitor),
    ])
    adapter.monitor_roots = []
    return path


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='as')
def MonitorRoots(self, adapter_name):
    '''The advertisement-monitor applications registered on an adapter.'''
    return dbus.Array(getattr(mockobject.objects['/org/bluez/' + adapter_name], 'monitor_roots', []), signature='s')
